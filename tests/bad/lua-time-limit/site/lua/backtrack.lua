-- One call of string.find that backtracks for hours: the instruction
-- budget, counted between Lua instructions, never sees it end.
return {
	page = function(p)
		local s = string.rep("a", 3000)
		string.find(s, ".-.-.-.-.-.-b")
	end,
}
