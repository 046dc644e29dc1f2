-- A site hook that appends a document but forgets its 'file'.
return {
	site = function(site)
		site.documents[#site.documents + 1] = { meta = { title = "New" }, body = "New." }
	end,
}
