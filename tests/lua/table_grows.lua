-- expect: lua/table_grows.lua:6: error: memory limit of 256 MB exceeded in hook 'page' for 'content/x.md'
-- A table that grows without end hits the memory cap.
return {
	page = function(p)
		local t, i = {}, 0
		while true do i = i + 1; t[i] = i end
	end,
}
