-- expect: lua/require_os.lua:4: error: module 'os' not found: no file 'lua/os.lua' in hook 'page' for 'content/x.md'
-- require only loads the site's own lua/ files, as text; never a C library.
return {
	page = function(p) local os = require "os"; os.exit(1) end,
}
