-- expect: lua/load_binary.lua:7: error: attempt to load a binary chunk (mode is 't') in hook 'page' for 'content/x.md'
-- load is forced to text mode, even when "b" is asked for: hand-made
-- bytecode can break out of any Lua sandbox.
local header = "\27LuaT\0\25\147\13\10\26\10\4\8\8"
return {
	page = function(p)
		local f = assert(load(header .. string.rep("\0", 64), "bytes", "b"))
		f()
	end,
}
