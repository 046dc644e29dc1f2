-- expect: lua/pcall_loop.lua:6: error: instruction limit of 100000000 exceeded in hook 'page' for 'content/x.md'
-- Catching the limit error with pcall does not help: it is raised again.
return {
	page = function(p)
		while true do
			pcall(function() while true do end end)
		end
	end,
}
