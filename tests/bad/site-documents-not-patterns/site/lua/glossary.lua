-- site_documents given as a table of settings rather than patterns.
return {
	site_documents = { frameworks = true },
	site = function(site) end,
}
