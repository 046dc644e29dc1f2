-- expect: lua/package_loadlib.lua:4: error: attempt to index a nil value (global 'package') in hook 'page' for 'content/x.md'
-- No package library: no loadlib, no searchers, no cpath.
return {
	page = function(p) package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system") end,
}
