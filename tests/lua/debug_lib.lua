-- expect: lua/debug_lib.lua:4: error: attempt to index a nil value (global 'debug') in hook 'page' for 'content/x.md'
-- No debug library: it could remove the instruction limit (debug.sethook).
return {
	page = function(p) debug.sethook() end,
}
