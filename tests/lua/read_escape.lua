-- expect: lua/read_escape.lua:4: error: waymark.read: '../../etc/passwd' is outside the site directory in hook 'page' for 'content/x.md'
-- waymark.read is confined to the site directory.
return {
	page = function(p) return { secret = waymark.read("../../etc/passwd") } end,
}
