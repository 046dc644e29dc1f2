-- reading_time: a template helper that says how long a text takes to read,
-- at 200 words a minute: {{#reading_time}}{{{page.content}}}{{/reading_time}}
-- renders " · 3 minute read" (to follow other facts on a line).
return {
	helpers = {
		reading_time = function(text, render)
			-- counted in C, as reading grades count words; HTML tags
			-- are gaps between words
			local words = waymark.words(render(text))
			if words == 0 then return "" end
			local minutes = math.max(1, math.floor(words / 200 + 0.5))
			return " · " .. minutes .. " minute read"
		end,
	},
}
