-- A site hook that makes one new file twice (the second should be an
-- edit of the first, or have a name of its own).
return {
	site = function(site)
		site.documents[#site.documents + 1] = { file = "pages/new.md", meta = { title = "New" }, body = "One." }
		site.documents[#site.documents + 1] = { file = "pages/new.md", meta = { title = "Again" }, body = "Two." }
	end,
}
