local s = string.rep("a", 3000)
string.find(s, ".-.-.-.-.-.-b")
return {}
