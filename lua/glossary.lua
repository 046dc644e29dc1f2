-- Glossary: link the first mention of each skill in a page's text to that
-- skill's page, so a worker reading a pathway or a story can look a skill
-- up. Skill names come from the frameworks in content/frameworks/.

-- { {name = "teamwork", url = "/frameworks/x/teamwork/"}, ... }: links that
-- start with "/" get the site's base path from waymark itself.
local skills = {}
local by_word, odd = {}, {}

-- The order names are tried in: longer first, then alphabetical.
local function before(a, b)
	if #a.name ~= #b.name then return #a.name > #b.name end
	return a.name < b.name
end

local function collect(site)
	skills = {}
	for _, doc in ipairs(site.documents) do
		local fw = doc.file:match("^frameworks/([%w-]+)%.ya?ml$")
		if fw and type(doc.meta) == "table" and doc.meta.categories then
			for _, category in ipairs(doc.meta.categories) do
				for _, skill in ipairs(category.skills or {}) do
					if skill.id and skill.title and #skill.title >= 4 then
						local name = skill.title:lower()
						skills[#skills + 1] = {
							name = name,
							last = name:byte(-1),
							url = "/frameworks/" .. fw .. "/" .. skill.id .. "/",
						}
					end
				end
			end
		end
	end
	-- longer names first, so "problem solving" wins over "problem"
	table.sort(skills, before)
	-- each name under its first word, to be tried where a word of the
	-- text starts: a page's text is read once, not once for each skill
	by_word, odd = {}, {}
	for _, s in ipairs(skills) do
		local word = s.name:match("^%w+")
		if word then
			by_word[word] = by_word[word] or {}
			table.insert(by_word[word], s)
		else
			odd[#odd + 1] = s -- starts with a sign or a letter beyond ASCII
		end
	end
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

-- The earliest mention in `lower` of a skill not yet linked (at a tie,
-- the longer name): the skill and where its name starts and ends.
local function first_mention(lower, done)
	local best, bi, bj
	for i, word in lower:gmatch("()(%w+)") do
		local names = by_word[word]
		for k = 1, names and #names or 0 do
			local s = names[k]
			local j = i + #s.name - 1
			-- its last letter first: most names that start here end elsewhere
			if lower:byte(j) == s.last and not done[s.name] and lower:sub(i, j) == s.name
				and whole_word(lower, i, j) then
				best, bi, bj = s, i, j
				break
			end
		end
		if best then break end
	end
	for _, s in ipairs(odd) do
		if not done[s.name] then
			local i, j = lower:find(s.name, 1, true)
			while i and not whole_word(lower, i, j) do
				i, j = lower:find(s.name, j + 1, true)
			end
			-- (never at the same place as a name found above: that
			-- starts with a letter or digit, this one does not)
			if i and (not bi or i < bi) then
				best, bi, bj = s, i, j
			end
		end
	end
	return best, bi, bj
end

local function link_first_mentions(doc, page)
	if #skills == 0 then return end
	-- a page can opt out: params: {glossary: false} in its front matter
	if page and type(page.params) == "table" and page.params.glossary == false then return end
	local done = {}
	-- the skill's own page never links to itself
	if page and page.title then done[page.title:lower()] = true end
	doc:walk{ text = function(node)
		local rest = node.literal
		local best, bi, bj = first_mention(rest:lower(), done)
		-- most text names no skill: look before climbing to its parents
		if not best or not linkable(node) then return end
		-- link every first mention in this text, left to right
		while best do
			done[best.name] = true
			node:insert_before(waymark.node("text", rest:sub(1, bi - 1)))
			node:insert_before(waymark.node("link", { url = best.url, text = rest:sub(bi, bj) }))
			rest = rest:sub(bj + 1)
			best, bi, bj = first_mention(rest:lower(), done)
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
