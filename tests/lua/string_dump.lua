-- expect: lua/string_dump.lua:4: error: attempt to call a nil value (field 'dump') in hook 'page' for 'content/x.md'
-- string.dump is gone, so no bytecode can be made to feed to load.
return {
	page = function(p) return { code = string.dump(function() end) } end,
}
