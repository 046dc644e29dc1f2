-- expect: lua/dofile.lua:4: error: attempt to call a nil value (global 'loadfile') in hook 'page' for 'content/x.md'
-- No dofile or loadfile: they open any file by name.
return {
	page = function(p) loadfile("/etc/passwd") end,
}
