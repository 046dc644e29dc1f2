-- A site hook that hands back one file twice.
return {
	site = function(site)
		local a = site.documents[1]
		site.documents[#site.documents + 1] = { file = a.file, meta = { title = "Again" }, body = "More." }
	end,
}
