-- expect: lua/phrases_bomb.lua:9: error: memory limit of 256 MB exceeded in hook 'page' for 'content/x.md'
-- waymark.phrases keeps its own copy of the phrases, which the state's
-- allocator counts: 150 MB of names fit, their copy does not.
return {
	page = function(p)
		local names = {}
		for i = 1, 100 do names[i] = string.rep("x", 1536 * 1024) end
		-- the copy
		local m = waymark.phrases(names)
		return { found = m:find("x") }
	end,
}
