-- expect: lua/gc_metamethod.lua:5: error: __gc metamethods are not allowed in hook 'page' for 'content/x.md'
-- Finalizers would run outside any hook call, outside its limits.
return {
	page = function(p)
		setmetatable({}, { __gc = function() while true do end end })
	end,
}
