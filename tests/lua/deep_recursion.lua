-- expect: lua/deep_recursion.lua:4: error: stack overflow in hook 'page' for 'content/x.md'
-- Unbounded recursion stops with Lua's own stack overflow error.
local function down(n)
	return down(n + 1) + 1
end
return {
	page = function(p) return { depth = down(1) } end,
}
