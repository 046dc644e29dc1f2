-- expect: lua/string_rep_bomb.lua:5: error: memory limit of 256 MB exceeded in hook 'page' for 'content/x.md'
-- A gigabyte string is refused by the state's allocator.
return {
	page = function(p)
		local s = string.rep("x", 1 << 30)
		return { body = s }
	end,
}
