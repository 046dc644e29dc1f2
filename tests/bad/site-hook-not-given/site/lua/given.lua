-- A site hook that is given pages/a.md alone, and hands back pages/b.md too:
-- a document it never saw, which the build keeps as it is.
return {
	site_documents = "pages/a.md",
	site = function(site)
		site.documents[#site.documents + 1] = { file = "pages/b.md", meta = { title = "B" }, body = "New." }
	end,
}
