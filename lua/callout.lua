-- callout: a shortcode for a note, tip or warning that stands out:
--   {{< callout kind="tip" text="Ask your manager about tuition help." >}}
-- becomes a quote block that starts with a bold label ("Tip:"), so the kind
-- is in the words, not only in the styling.
local labels = { note = "Note", tip = "Tip", warning = "Important" }

return {
	shortcodes = {
		callout = function(args, page)
			local kind = args.kind or "note"
			local label = labels[kind]
			if not label then
				waymark.error("callout kind '" .. kind .. "' is not one of note, tip, warning")
				return ""
			end
			local text = args.text or args[1] or ""
			if text == "" then
				waymark.error("callout needs text=\"...\"")
				return ""
			end
			return "> **" .. label .. ":** " .. text
		end,
	},
}
