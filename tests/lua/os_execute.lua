-- expect: lua/os_execute.lua:5: error: attempt to index a nil value (global 'os') in hook 'page' for 'content/x.md'
-- There is no os library: no commands, no environment, no clock.
return {
	page = function(p)
		os.execute("touch /tmp/waymark-pwned")
	end,
}
