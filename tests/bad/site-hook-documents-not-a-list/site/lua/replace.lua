-- A site hook that replaces the list of documents with a string.
return {
	site = function(site)
		site.documents = "none"
	end,
}
