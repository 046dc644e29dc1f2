-- Glossary: link the first mention of each skill in a page's text to that
-- skill's page, so a worker reading a pathway or a story can look a skill
-- up. Skill names come from the frameworks in content/frameworks/.

-- { {name = "teamwork", url = "/frameworks/x/teamwork/"}, ... }: links that
-- start with "/" get the site's base path from waymark itself.
local skills = {}
-- their names, found by waymark.phrases: a page's text is read once, in C,
-- not once for each skill
local names

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
							url = "/frameworks/" .. fw .. "/" .. skill.id .. "/",
						}
					end
				end
			end
		end
	end
	-- no sorting: where several names start at one place, waymark.phrases
	-- finds the longest; of two skills with one name, the first met here
	-- (frameworks in file order, skills as listed) is linked
	local list = {}
	for k, s in ipairs(skills) do list[k] = s.name end
	names = waymark.phrases(list)
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
	if page and page.title then done[page.title:lower()] = true end
	-- names as walk's second argument: only the texts that name a skill
	-- come to Lua (a few of a page's hundred)
	doc:walk({ text = function(node)
		local rest = node.literal
		-- the earliest mention of a skill not linked yet, in any case,
		-- as a whole word (at one place, the longest name)
		local k, i, j = names:find(rest, done)
		-- most text names no skill: look before climbing to its parents
		if not k or not linkable(node) then return end
		-- link every first mention in this text, left to right
		while k do
			local best = skills[k]
			done[best.name] = true
			node:insert_before(waymark.node("text", rest:sub(1, i - 1)))
			node:insert_before(waymark.node("link", { url = best.url, text = rest:sub(i, j) }))
			rest = rest:sub(j + 1)
			k, i, j = names:find(rest, done)
		end
		node.literal = rest
	end }, names)
end

return {
	-- the site hook reads the frameworks alone: on a site of thousands of
	-- stories, handing it every document cost more than all it does
	site_documents = { "frameworks/*.yaml", "frameworks/*.yml" },
	site = function(site)
		collect(site)
	end,
	markdown = function(doc, page)
		link_first_mentions(doc, page)
	end,
}
