-- Glossary: link the first mention of each skill in a page's text to that
-- skill's page, so a worker reading a pathway or a story can look a skill
-- up. Skill names come from the frameworks in content/frameworks/.

-- { {name = "teamwork", url = "/frameworks/x/teamwork/"}, ... }: links that
-- start with "/" get the site's base path from waymark itself.
local skills = {}

local function collect(site)
	skills = {}
	for _, doc in ipairs(site.documents) do
		local fw = doc.file:match("^frameworks/([%w-]+)%.ya?ml$")
		if fw and type(doc.meta) == "table" and doc.meta.categories then
			for _, category in ipairs(doc.meta.categories) do
				for _, skill in ipairs(category.skills or {}) do
					if skill.id and skill.title and #skill.title >= 4 then
						skills[#skills + 1] = {
							name = skill.title:lower(),
							url = "/frameworks/" .. fw .. "/" .. skill.id .. "/",
						}
					end
				end
			end
		end
	end
	-- longer names first, so "problem solving" wins over "problem"
	table.sort(skills, function(a, b)
		if #a.name ~= #b.name then return #a.name > #b.name end
		return a.name < b.name
	end)
end

-- Is the text at [s, e] a whole word (not inside a longer word)?
local function whole_word(text, s, e)
	local before = s > 1 and text:sub(s - 1, s - 1) or " "
	local after = text:sub(e + 1, e + 1)
	return not before:match("[%w]") and not after:match("[%w]")
end

-- Skip text that is already a link, a heading or code.
local function linkable(node)
	local p = node.parent
	while p do
		if p.type == "link" or p.type == "heading" or p.type == "image" then
			return false
		end
		p = p.parent
	end
	return true
end

local function link_first_mentions(doc, page)
	if #skills == 0 then return end
	-- a page can opt out: params: {glossary: false} in its front matter
	if page and type(page.params) == "table" and page.params.glossary == false then return end
	local done = {}
	-- the skill's own page never links to itself
	for _, s in ipairs(skills) do
		if page and page.title and page.title:lower() == s.name then done[s.name] = true end
	end
	doc:walk{ text = function(node)
		if not linkable(node) then return end
		local rest = node.literal
		-- link every first mention in this text, left to right
		while true do
			local lower = rest:lower()
			local best, bi, bj
			for _, s in ipairs(skills) do
				if not done[s.name] then
					local i, j = lower:find(s.name, 1, true)
					while i and not whole_word(lower, i, j) do
						i, j = lower:find(s.name, j + 1, true)
					end
					-- the earliest mention; at a tie, the longer name
					if i and (not bi or i < bi) then best, bi, bj = s, i, j end
				end
			end
			if not best then break end
			done[best.name] = true
			node:insert_before(waymark.node("text", rest:sub(1, bi - 1)))
			node:insert_before(waymark.node("link", { url = best.url, text = rest:sub(bi, bj) }))
			rest = rest:sub(bj + 1)
		end
		node.literal = rest
	end }
end

return {
	site = function(site)
		collect(site)
	end,
	markdown = function(doc, page)
		link_first_mentions(doc, page)
	end,
}
