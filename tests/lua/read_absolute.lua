-- expect: lua/read_absolute.lua:4: error: waymark.read: '/etc/passwd' is an absolute path; give a path inside the site in hook 'page' for 'content/x.md'
-- Absolute paths are refused outright.
return {
	page = function(p) return { secret = waymark.read("/etc/passwd") } end,
}
