-- expect: lua/infinite_loop.lua:5: error: instruction limit of 100000000 exceeded in hook 'page' for 'content/x.md'
-- The instruction budget stops a loop that never ends.
return {
	page = function(p)
		while true do end
	end,
}
