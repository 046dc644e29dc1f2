-- expect: lua/io_open.lua:5: error: attempt to index a nil value (global 'io') in hook 'page' for 'content/x.md'
-- There is no io library: files are read with waymark.read, inside the site.
return {
	page = function(p)
		local f = io.open("/etc/passwd")
		return { body = f:read("a") }
	end,
}
