-- expect: lua/c_recursion.lua:5: error: C stack overflow in hook 'page' for 'content/x.md'
-- Recursion through metamethods (C calls) is caught too.
local t = {}
setmetatable(t, { __index = function(self, k)
	return self[k .. "x"]
end })
return {
	page = function(p) return { value = t.start } end,
}
