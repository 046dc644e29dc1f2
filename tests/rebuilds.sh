#!/bin/sh
# Rebuilds equal fresh builds: after each kind of edit, an incremental
# build of the default site (which skips pages by what they read last time)
# must leave exactly the output that a build from nothing makes, and say
# the same warnings (a body kept from the last build says none). Each edit
# is one that moves a page between lists, renames what other pages show, or
# only touches a body, so a dependency the page skipping misses shows up as
# a difference here.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w="${WAYMARK:-$top/bin/waymark}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
site="$tmp/site"

# edit NAME FILE SED-SCRIPT: change FILE (which must change), rebuild,
# build afresh elsewhere, compare every output file
edit() {
	name=$1 file=$2 script=$3
	cp "$file" "$tmp/before"
	sed -i "$script" "$file"
	if cmp -s "$file" "$tmp/before"; then
		echo "FAIL rebuilds: $mode: $name: the edit changed nothing in $file"; fail=$((fail + 1)); return
	fi
	compare "$name"
}

compare() {
	name=$1
	if ! "$w" build -s "$site" --quiet >"$tmp/log" 2>&1; then
		echo "FAIL rebuilds: $mode: $name: rebuild failed:"; sed 's/^/    /' "$tmp/log"; fail=$((fail + 1)); return
	fi
	rm -rf "$tmp/fresh" "$tmp"/.waymark-*
	if ! "$w" build -s "$site" -o "$tmp/fresh" --quiet >"$tmp/fresh.log" 2>&1; then
		echo "FAIL rebuilds: $mode: $name: fresh build failed:"; sed 's/^/    /' "$tmp/fresh.log"; fail=$((fail + 1)); return
	fi
	if ! cmp -s "$tmp/log" "$tmp/fresh.log"; then
		echo "FAIL rebuilds: $mode: $name: the rebuild says other than a fresh build:"
		diff "$tmp/fresh.log" "$tmp/log" | sed 's/^/    /' | head -8
		fail=$((fail + 1))
	elif diff -rq "$site/public" "$tmp/fresh" >"$tmp/diff" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL rebuilds: $mode: $name: the rebuild differs from a fresh build in:"
		sed -e "s|$site/public|public|g" -e "s|$tmp/fresh|fresh|g" -e 's/^/    /' "$tmp/diff" | head -8
		fail=$((fail + 1))
	fi
}

# compare_failing NAME: the rebuild fails as a build from nothing does,
# saying the same
compare_failing() {
	name=$1
	if "$w" build -s "$site" --quiet >"$tmp/log" 2>&1; then
		echo "FAIL rebuilds: $mode: $name: the rebuild worked, where a fresh build fails"; fail=$((fail + 1)); return
	fi
	rm -rf "$tmp/fresh" "$tmp"/.waymark-*
	"$w" build -s "$site" -o "$tmp/fresh" --quiet >"$tmp/fresh.log" 2>&1
	if cmp -s "$tmp/log" "$tmp/fresh.log"; then
		pass=$((pass + 1))
	else
		echo "FAIL rebuilds: $mode: $name: the rebuild says other than a fresh build:"
		diff "$tmp/fresh.log" "$tmp/log" | sed 's/^/    /' | head -8
		fail=$((fail + 1))
	fi
}

rm_outputs() {
	rm -f "$site/public/about/index.html" "$site/public/assets/"site.*.css \
		"$site/public/charts/$(ls "$site/public/charts" | head -n 1)" \
		"$site/public/frameworks/employability/employability.csv"
}

# run MODE: the edits, on the default site with its Lua hooks ("hooks") or
# without them ("plain": a site hook that can hand Markdown hooks anything
# makes every body depend on every file, which would hide a missing
# dependency of the pages that show bodies)
run() {
	mode=$1
	rm -rf "$site" "$tmp/fresh" "$tmp"/.waymark-*
	mkdir -p "$site"
	cp -R "$top/content" "$top/site.yaml" "$top/themes" "$site/"
	[ "$mode" = hooks ] && cp -R "$top/lua" "$site/"
	c="$site/content"
	# 30 more stories on another pathway, so the story list, the culinary
	# pathway's stories and its sector's run to two pages; their sector is
	# their pathway's (they name none)
	i=10
	while [ $i -lt 40 ]; do
		sed -e "s/^title: .*/title: Story number $i/" -e "s/^date: .*/date: 2024-01-$((i - 10 + 1))/" \
			-e 's/^date: \(2024-01-\)\([1-9]\)$/date: \10\2/' \
			-e 's/^pathway: .*/pathway: culinary/' -e '/^sector: /d' \
			"$c/stories/aisha-help-desk-to-security.md" >"$c/stories/extra-$i.md"
		i=$((i + 1))
	done

	"$w" build -s "$site" --quiet >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL rebuilds: $mode: first build"; fail=$((fail + 1)); return; }

	story="$c/stories/aisha-help-desk-to-security.md"
	edit "a story's body" "$story" 's/She got the job\./She got the job that week./'
	edit "a story's body again" "$story" 's/She got the job that week\./She got the job that month./'
	# back as it was at the last full build, with a field of another file
	# changed in the same build: the story page must not be kept as the
	# last full build left it
	sed -i 's/She got the job that month\./She got the job./' "$story"
	edit "a story's body back, with a page's title" "$c/pages/about.md" \
		'0,/^title: /s/^title: \(.*\)/title: \1 (more)/'
	edit "a story's body, a new heading (its table of contents)" "$story" 's/She got the job\./She got the job.\n\n## Afterwards\n\nShe stayed./'
	edit "a stage's body" "$c/lifecycle/02-onboard.md" 's/say so early\./say so as early as you can./'
	edit "a plain page's body" "$c/pages/about.md" '$s/$/ One more sentence./'
	edit "a skill's long text" "$c/frameworks/employability/teamwork.md" '$s/$/ One more sentence./'
	edit "a body with a link to another page" "$c/pages/about.md" '$s|$| See [the stages](../lifecycle/02-onboard.md).|'
	# a link from the site's root to a list's second page, which no file
	# is: once a pathway's sector changes (below), the page is gone, and
	# the rebuild warns about the words that link to it as a fresh build
	# does, though they did not change
	edit "a body with a link from the site's root to a list's second page" "$c/pages/about.md" \
		'$s|$| See [more stories](/sectors/retail-hospitality/page/2/).|'
	edit "a story's title" "$story" 's/^title: From Retail to the Help Desk to Cybersecurity/title: From a Phone Store to Cybersecurity/'
	edit "a story's date (its place in the list)" "$story" 's/^date: 2025-06-18/date: 2020-01-02/'
	edit "a story's pathway" "$story" 's/^pathway: it-support/pathway: nursing/'
	edit "a story's sector" "$story" 's/^sector: information-technology/sector: healthcare/'
	edit "a story's stages" "$story" 's/^stages: \[recruit, develop, advance\]/stages: [onboard]/'
	edit "a story's skills" "$story" 's|  - employability/technology|  - employability/integrity|'
	edit "a skill's definition" "$c/frameworks/employability.yaml" \
		's/Being honest and doing the right thing, even when no one is watching\./Being honest, even when no one is watching./'
	edit "a skill's title" "$c/frameworks/employability.yaml" 's/^        title: Integrity$/        title: Honesty/'
	# guide chapters and pathways mention teamwork: with the hooks, the
	# glossary links those mentions, and a body is kept only while what the
	# site hook left for the markdown hook is the same
	edit "a skill's title that bodies mention" "$c/frameworks/employability.yaml" 's/^        title: Teamwork$/        title: Working Together/'
	edit "a category's title" "$c/frameworks/employability.yaml" 's/^    title: Personal Qualities$/    title: Personal Strengths/'
	edit "a pathway step's wage" "$c/pathways/it-support.md" 's/wage: {hourly: 22}/wage: {hourly: 23}/'
	edit "a pathway step's title (skill pages show it)" "$c/pathways/it-support.md" 's/- title: Help Desk Technician$/- title: Help Desk Tech/'
	edit "a pathway's title" "$c/pathways/it-support.md" 's/^title: "Information Technology: Help Desk to Cybersecurity"/title: "IT: Help Desk to Security"/'
	edit "a pathway's sector" "$c/pathways/it-support.md" 's/^sector: information-technology/sector: advanced-manufacturing/'
	# the paged lists: a story that moves from one page to the other, and
	# a pathway whose sector changes, and with it every one of its stories'
	edit "a story's date (from a list's second page to its first)" "$c/stories/extra-10.md" 's/^date: 2024-01-01/date: 2024-01-31/'
	edit "a story's title on a list's second page" "$c/stories/extra-11.md" 's/^title: .*/title: Story eleven/'
	edit "the sector of a pathway with two pages of stories" "$c/pathways/culinary.md" 's/^sector: retail-hospitality/sector: healthcare/'
	# the sector indexes count each sector's stories (which stories are in
	# it, not what they say); the framework pages list the crosswalks
	edit "a story that names a sector of its own (its pathway's was its sector)" "$c/stories/extra-12.md" \
		's/^pathway: culinary$/pathway: culinary\nsector: healthcare/'
	edit "every alignment between the frameworks removed (no crosswalk page)" "$c/frameworks/essential.yaml" \
		'/^          - skill: employability\//,/^            type: /d; s/^        aligns:$/        aligns: []/'
	edit "a stage's questions" "$c/lifecycle/02-onboard.md" 's/What training will I get, and is it paid?/What training will I get?/'
	edit "a stage's title" "$c/lifecycle/02-onboard.md" 's/^title: Starting a New Job/title: Your First Weeks/'
	edit "a sector's title" "$c/sectors.yaml" 's/^    title: Healthcare$/    title: Health Care/'
	edit "an organization's sector" "$c/organizations.yaml" '0,/^    sector: healthcare$/s//    sector: advanced-manufacturing/'
	chapter=$(ls "$c/guides/career-advancement/"0*.md | head -n 1)
	edit "a guide chapter's body" "$chapter" '$s/$/ One more sentence./'
	edit "a guide chapter's title" "$chapter" '0,/^title: /s/^title: \(.*\)/title: New \1/'
	edit "a section's introduction" "$c/stories/_index.md" '$s/$/ More words./'
	edit "a plain page's title" "$c/pages/about.md" '0,/^title: /s/^title: .*/title: About this site/'

	# a new story, then the story gone again
	sed -e 's/^title: .*/title: A New Story/' -e 's/^date: .*/date: 2026-11-01/' "$story" >"$c/stories/zz-new.md"
	compare "a story added"
	rm "$c/stories/zz-new.md"
	compare "a story removed"

	# files removed from the output by hand (a page, the stylesheet, a
	# chart, an export): a build that finds nothing changed, and one that
	# finds only a body changed (the quick path), make them again
	rm_outputs
	compare "files gone from the output, nothing changed"
	rm_outputs
	edit "files gone from the output, a story's body changed" "$story" '$s/$/ One more sentence./'

	# settings and templates
	edit "the site's title" "$site/site.yaml" '0,/^title: /s/^title: \(.*\)/title: New \1/'
	# raw HTML in a story's words (and its title: not the quick path, which
	# keeps no body), shown as text; then let through
	edit "raw HTML in a story's words" "$story" '0,/^title: /s/^title: \(.*\)/title: \1, marked/;$s/$/ <mark>Marked<\/mark> words./'
	edit "markdown.unsafe turned on" "$site/site.yaml" 's/^  unsafe: false$/  unsafe: true/'
	edit "the site's base_url, which links in the words carry" "$site/site.yaml" 's|^base_url: /$|base_url: https://example.org/sub/|'
	# a story moved into a folder, its words as they were: their relative
	# links no longer lead anywhere, and the rebuild says so as a fresh
	# build does; moved back, it builds again
	mkdir "$c/stories/moved"
	mv "$story" "$c/stories/moved/"
	compare_failing "a story moved into a folder, its relative links broken"
	mv "$c/stories/moved/$(basename "$story")" "$story"
	rmdir "$c/stories/moved"
	compare "the story moved back"
	# a pathway's id, and so its URL: the words that link to its file (the
	# pathways' index, itself unchanged) show the new URL
	sed -i 's/^id: it-support$/id: it-help/' "$c/pathways/it-support.md"
	sed -i 's/^pathway: it-support$/pathway: it-help/' "$story"
	compare "a pathway's id, and so its URL"
	edit "a template" "$site/themes/default/templates/story.mustache" '$s/$/\n<!-- changed -->/'
	edit "a partial" "$site/themes/default/partials/story-card.mustache" '$s/$/\n<!-- changed -->/'
	edit "the base layout" "$site/themes/default/templates/baseof.mustache" '$s/$/\n<!-- changed -->/'
	# an element id in a template that a story's heading has too ("Moving
	# up"): headings' ids avoid the theme's, so the words render anew
	edit "a template's element id, which a heading's id avoids" \
		"$site/themes/default/templates/story.mustache" '$s/$/\n<div id="moving-up"><\/div>/'

}

if [ -d "$top/lua" ]; then run hooks; else echo "FAIL rebuilds: no lua/ directory"; fail=$((fail + 1)); fi
run plain

# hand_site MODE TITLE: a site made by hand for the cases below: no pages
# yet, a lua/ directory, site.yaml with the title
hand_site() {
	mode=$1
	rm -rf "$site" "$tmp/fresh" "$tmp"/.waymark-*
	mkdir -p "$site/content/pages" "$site/lua"
	printf 'title: %s\n' "$2" >"$site/site.yaml"
}

# first_build: the hand-made site builds (else say so: no edits follow)
first_build() {
	"$w" build -s "$site" --quiet >"$tmp/log" 2>&1 && return 0
	cat "$tmp/log"; echo "FAIL rebuilds: $mode: first build"; fail=$((fail + 1))
	return 1
}

# A site hook is handed site.yaml as well as the content: what it keeps
# from there can reach every body through a markdown hook.
hand_site "site hook" Hooked
printf 'description: Hello\n' >>"$site/site.yaml"
printf -- '---\ntitle: One\n---\nSome text.\n' >"$site/content/pages/one.md"
cat >"$site/lua/greeting.lua" <<'LUA'
local greeting = ""
return {
	site = function(site) greeting = site.config.description or "" end,
	markdown = function(doc) doc:walk{ text = function(n) n.literal = n.literal .. " " .. greeting end } end,
}
LUA
if first_build; then
	edit "the site's description, which the site hook keeps" "$site/site.yaml" 's/^description: Hello/description: Goodbye/'
fi
# The same, when what the site hook keeps cannot be printed (a table as a
# key): then every body depends on every file and on site.yaml.
hand_site "site hook, its state beyond a print" Hooked
printf 'description: Hello\n' >>"$site/site.yaml"
printf -- '---\ntitle: One\n---\nSome text.\n' >"$site/content/pages/one.md"
printf -- '---\ntitle: Two\n---\nOther text.\n' >"$site/content/pages/two.md"
cat >"$site/lua/greeting.lua" <<'LUA'
local kept = {}
return {
	site = function(site)
		kept = { [{}] = true, greeting = site.config.description or "" }
		for _, doc in ipairs(site.documents) do kept[#kept + 1] = doc.meta.title end
	end,
	markdown = function(doc)
		doc:walk{ text = function(n) n.literal = n.literal .. " " .. kept.greeting .. " " .. table.concat(kept, ", ") end }
	end,
}
LUA
if first_build; then
	edit "the site's description, which the site hook keeps" "$site/site.yaml" 's/^description: Hello/description: Goodbye/'
	edit "another page's title, which the site hook keeps" "$site/content/pages/two.md" 's/^title: Two/title: Second/'
fi
# A site hook that reads bodies: a rebuild hands it bodies it has not read
# from disk yet, when the hook reads them.
hand_site "a site hook that reads bodies" Bodies
printf -- '---\ntitle: One\n---\nFirst words.\n' >"$site/content/pages/one.md"
printf -- '---\ntitle: Two\n---\nOther words.\n' >"$site/content/pages/two.md"
cat >"$site/lua/first.lua" <<'LUA'
return {
	site = function(site)
		for _, doc in ipairs(site.documents) do
			if doc.file:match("^pages/") then doc.meta.title = doc.meta.title .. " (" .. doc.body:match("%a+") .. ")" end
		end
	end,
}
LUA
if first_build; then
	edit "the words of a page whose title the site hook makes from them" "$site/content/pages/one.md" 's/^First words/Changed words/'
	edit "the words of the other page" "$site/content/pages/two.md" 's/^Other words/More words/'
fi
# Files the hooks read with waymark.read: a markdown hook's and a page
# hook's. First an edit that keeps the pages (so their hooks do not run
# again), then each file the hooks read.
hand_site "hooks that read files" Reading
mkdir "$site/data"
printf -- '---\ntitle: One\n---\nSome text.\n' >"$site/content/pages/one.md"
printf -- '---\ntitle: Two\n---\nOther text.\n' >"$site/content/pages/two.md"
echo Hello >"$site/data/word.txt"
echo Plain >"$site/data/title.txt"
cat >"$site/lua/reads.lua" <<'LUA'
return {
	markdown = function(doc)
		local word = waymark.read("data/word.txt"):gsub("%s+$", "")
		doc:walk{ text = function(n) n.literal = n.literal .. " " .. word end }
	end,
	page = function(page)
		if page.title then page.title = page.title .. " " .. waymark.read("data/title.txt"):gsub("%s+$", "") end
	end,
}
LUA
if "$w" build -s "$site" --quiet >"$tmp/log" 2>&1 && "$w" build -s "$site" >"$tmp/log" 2>&1; then
	# the second build knows which files the hooks read, and finds them
	# as the first build did: it renders nothing again
	if grep -q '(0 rendered;' "$tmp/log"; then pass=$((pass + 1)); else
		echo "FAIL rebuilds: $mode: the build after the first rendered pages again: $(cat "$tmp/log")"
		fail=$((fail + 1))
	fi
	edit "a page's words, the others kept" "$site/content/pages/two.md" 's/Other text\./Other words./'
	edit "the file a markdown hook reads" "$site/data/word.txt" 's/Hello/Goodbye/'
	edit "the markdown hook's code" "$site/lua/reads.lua" 's/n.literal .. " " .. word/n.literal .. " - " .. word/'
	edit "the file a page hook reads" "$site/data/title.txt" 's/Plain/Fancy/'
else
	cat "$tmp/log"; echo "FAIL rebuilds: $mode: first build"; fail=$((fail + 1))
fi
# Builds at once into one output (an editor's build on save and one by
# hand, say): the second waits for the first, so both succeed and the
# output is what a build from nothing makes. Held by another process, the
# lock makes a build wait, and say so.
mode="builds at once"
rm -rf "$site" "$tmp/fresh" "$tmp"/.waymark-*
mkdir -p "$site"
cp -R "$top/content" "$top/site.yaml" "$top/themes" "$site/"
"$w" build -s "$site" --quiet >"$tmp/log" 2>&1 || { echo "FAIL rebuilds: $mode: first build"; fail=$((fail + 1)); }
i=1
while [ $i -le 6 ]; do
	# a story's words, its title and a template: most pages render again
	printf '\nOne more sentence, number %d.\n' $i >>"$site/content/stories/rosa-warehouse-to-cdl.md"
	sed -i "s/^title: .*/title: \"Edited title $i\"/" "$site/content/stories/aisha-help-desk-to-security.md"
	printf '{{! edit %d }}\n' $i >>"$site/themes/default/partials/footer.mustache"
	"$w" build -s "$site" >"$tmp/a.log" 2>&1 & a=$!
	"$w" build -s "$site" >"$tmp/b.log" 2>&1 & b=$!
	wait $a; sa=$?; wait $b; sb=$?
	if [ $sa != 0 ] || [ $sb != 0 ]; then
		echo "FAIL rebuilds: $mode: round $i: exit $sa and $sb:"; sed 's/^/    /' "$tmp/a.log" "$tmp/b.log" | head -8
		fail=$((fail + 1))
	fi
	i=$((i + 1))
done
compare "six rounds of two builds at once"
flock "$site/.waymark-cache-public.lock" sleep 1 &
lock=$!
sleep 0.3
sed -i 's/^title: .*/title: "Edited once more"/' "$site/content/stories/aisha-help-desk-to-security.md"
if "$w" build -s "$site" >"$tmp/log" 2>&1 && grep -q "^waiting for another build into '$site/public' to finish" "$tmp/log" &&
	! kill -0 $lock 2>/dev/null; then pass=$((pass + 1))
else
	echo "FAIL rebuilds: $mode: a build while the lock was held did not wait for it, or failed:"
	sed 's/^/    /' "$tmp/log"; fail=$((fail + 1))
fi
wait $lock
compare "a build that waited for the lock"

# A build stopped (killed, a power cut) after it changed the output and
# before it saved its cache, then the edit undone: the cache still says
# the output is up to date, and the next build must not believe it.
# WAYMARK_TEST_STOP ends a build at such a point (output_test_stop).
mode="a build stopped before it saved its cache"
story="$site/content/stories/aisha-help-desk-to-security.md"
"$w" build -s "$site" --quiet >"$tmp/log" 2>&1
cp "$story" "$tmp/story"
sed -i 's/^title: .*/title: "A title the stopped build showed"/' "$story"
printf '\nWords the stopped build showed.\n' >>"$story"
WAYMARK_TEST_STOP=committed "$w" build -s "$site" --quiet >"$tmp/log" 2>&1
status=$?
if [ $status = 99 ] && grep -q "A title the stopped build showed" "$site/public/stories/index.html"; then
	pass=$((pass + 1))
else
	echo "FAIL rebuilds: $mode: the build was not stopped after its commit (exit $status)"; fail=$((fail + 1))
fi
cp "$tmp/story" "$story"
compare "the edit undone"
[ ! -e "$site/.waymark-cache-public.writing" ] && pass=$((pass + 1)) ||
	{ echo "FAIL rebuilds: $mode: the build after it left the mark"; fail=$((fail + 1)); }

# A build stopped after it moved a new page in, before it removed what it
# no longer makes and named what it made: the page's story removed, the
# next build must remove the page too (the manifest named it before it
# was there).
mode="a build stopped half way through its commit"
cp "$story" "$site/content/stories/zz-stopped.md"
sed -i 's/^title: .*/title: "A story the stopped build added"/' "$site/content/stories/zz-stopped.md"
WAYMARK_TEST_STOP=renamed "$w" build -s "$site" --quiet >"$tmp/log" 2>&1
status=$?
if [ $status = 99 ] && [ -f "$site/public/stories/zz-stopped/index.html" ]; then pass=$((pass + 1)); else
	echo "FAIL rebuilds: $mode: the build was not stopped after moving its files in (exit $status)"
	fail=$((fail + 1))
fi
rm "$site/content/stories/zz-stopped.md"
compare "the new story removed"

# A disk that fills up during a rebuild: one error (not one per file),
# status 3, and the output, cache and manifest as the last build left
# them; once there is room, the rebuild equals a fresh build. A small
# tmpfs needs root: without it this says so and checks nothing.
mode="a full disk"
small="$tmp/small"
mkdir -p "$small"
if mount -t tmpfs -o size=4m tmpfs "$small" 2>/dev/null; then
	full="$tmp/full-site"
	cp -R "$site" "$full"
	rm -rf "$full/public" "$full"/.waymark-*
	"$w" build -s "$full" -o "$small/out" --quiet >"$tmp/log" 2>&1 ||
		{ echo "FAIL rebuilds: $mode: the first build failed"; sed 's/^/    /' "$tmp/log"; fail=$((fail + 1)); }
	before=$(cd "$small" && find . -type f -exec sha1sum {} + | sort)
	# all but 40 KB taken; then a title on many pages and a long page
	head -c $(( ($(df --output=avail -k "$small" | tail -1) - 40) * 1024 )) /dev/zero >"$small/filler" 2>/dev/null
	sed -i 's/^title: .*/title: "A title that did not fit"/' "$full/content/stories/aisha-help-desk-to-security.md"
	head -c 90000 /dev/zero | tr '\0' 'w' >>"$full/content/pages/about.md"
	"$w" build -s "$full" -o "$small/out" --quiet >"$tmp/log" 2>&1
	status=$?
	rm "$small/filler"
	after=$(cd "$small" && find . -type f -exec sha1sum {} + | sort)
	if [ $status = 3 ] && [ "$(grep -c 'error:' "$tmp/log")" = 1 ] &&
		grep -q 'No space left on device (the build writes nothing more' "$tmp/log" &&
		[ "$before" = "$after" ] && ! ls -a "$small" | grep -q staging; then
		pass=$((pass + 1))
	else
		echo "FAIL rebuilds: $mode: exit $status, output changed: $([ "$before" = "$after" ] && echo no || echo yes), said:"
		sed 's/^/    /' "$tmp/log" | head -5; fail=$((fail + 1))
	fi
	# room made again: the rebuild equals a fresh build
	"$w" build -s "$full" -o "$small/out" --quiet >"$tmp/log" 2>&1 &&
		"$w" build -s "$full" -o "$tmp/full-fresh" --quiet >>"$tmp/log" 2>&1 &&
		diff -r "$small/out" "$tmp/full-fresh" >/dev/null && pass=$((pass + 1)) ||
		{ echo "FAIL rebuilds: $mode: after room was made, the rebuild differs from a fresh build"; sed 's/^/    /' "$tmp/log" | head -5; fail=$((fail + 1)); }
	umount "$small"
else
	echo "rebuilds: $mode: skipped (mounting a small tmpfs needs root)"
fi

echo "rebuilds: $pass passed, $fail failed"
[ $fail = 0 ]
