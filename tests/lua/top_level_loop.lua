-- expect: lua/top_level_loop.lua:3: error: instruction limit of 100000000 exceeded
-- Loading a file runs under the same limits as a hook.
while true do end
return {}
