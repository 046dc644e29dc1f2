#!/bin/sh
# Light pages: every page of the default site (in both themes) weighs at
# most 60 KB of HTML + CSS + JavaScript uncompressed (images aside), needs
# no web fonts, and every image carries width, height and loading="lazy".
# So does every page of the default site with 150 more stories at one
# stage, on one pathway, in one sector and naming the same four skills:
# their stories go a page at a time, with a short list of page links.
# Every chart has its two pictures, a computer's (1x and 2x) and a
# phone's (2x), as wide as its page says.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w="$top/bin/waymark"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
limit=61440
pass=0 fail=0
mkdir -p "$tmp/example"
cp "$top/site.yaml" "$tmp/example/"
sed -i 's/^theme: .*/theme: example-community/' "$tmp/example/site.yaml"
ln -s "$top/content" "$top/themes" "$top/lua" "$tmp/example/"
"$w" build -s "$top" -o "$tmp/default" --quiet || { echo "weight: 0 passed, 1 failed (build)"; exit 1; }
"$w" build -s "$tmp/example" -o "$tmp/example-out" --quiet || { echo "weight: 0 passed, 1 failed (build)"; exit 1; }
mkdir -p "$tmp/many"
cp -R "$top/content" "$top/site.yaml" "$tmp/many/"
ln -s "$top/themes" "$top/lua" "$tmp/many/"
i=100
while [ $i -lt 250 ]; do
	# (Aisha's pathway, sector and skills)
	sed -e "s/^title: .*/title: Another story, number $i/" -e 's/^stages: .*/stages: [recruit]/' \
		"$top/content/stories/aisha-help-desk-to-security.md" >"$tmp/many/content/stories/another-$i.md"
	i=$((i + 1))
done
"$w" build -s "$tmp/many" -o "$tmp/many-stories" --quiet || { echo "weight: 0 passed, 1 failed (build)"; exit 1; }
for list in lifecycle/recruit pathways/it-support sectors/information-technology \
	frameworks/employability/technology frameworks/essential/learning-new-things; do
	links=$(grep -c '<span class="visually-hidden">Page </span>' "$tmp/many-stories/$list/index.html")
	if [ "$links" -ge 4 ] && [ "$links" -le 6 ] && grep -q 'class="gap"' "$tmp/many-stories/$list/index.html"; then
		pass=$((pass + 1))
	else
		echo "FAIL weight: /$list/ with 150 more stories: expected 4 to 6 page links and a gap on its first page, got $links"
		fail=$((fail + 1))
	fi
done
# the search page's list for readers without JavaScript: the first 50 of
# the story pages (the list, then the stories) and a link to all 159
# stories, not 160 links
listed=$(sed -n '/id="all-stories"/,/<\/section>/p' "$tmp/many-stories/search/index.html" | grep -c '<li><a href="/stories/')
if [ "$listed" = 50 ] && grep -q '<a href="/stories/">All 159 stories</a>' "$tmp/many-stories/search/index.html"; then
	pass=$((pass + 1))
else
	echo "FAIL weight: the search page of 159 stories: expected 50 listed and a link to all 159, got $listed listed"
	fail=$((fail + 1))
fi
for out in "$tmp/default" "$tmp/example-out" "$tmp/many-stories"; do
	heaviest=0 heaviest_page=""
	for page in $(cd "$out" && find . -name '*.html' | sort); do
		f="$out/$page"
		total=$(stat -c %s "$f")
		# the stylesheets and scripts the page loads from the site itself
		for asset in $(grep -o '\(href\|src\)="/[^"]*\.\(css\|js\)"' "$f" | sed 's/^[a-z]*="\///; s/"$//' | sort -u); do
			[ -f "$out/$asset" ] && total=$((total + $(stat -c %s "$out/$asset")))
		done
		if [ "$total" -gt "$limit" ]; then
			echo "FAIL weight: $page is $total bytes of HTML, CSS and JavaScript (at most $limit)"; fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
		[ "$total" -gt "$heaviest" ] && heaviest=$total heaviest_page=$page
		if grep -o '<img [^>]*>' "$f" | grep -v 'width="[0-9]*"' | grep -q .; then
			echo "FAIL weight: $page has an image without width"; fail=$((fail + 1))
		fi
		if grep -o '<img [^>]*>' "$f" | grep -v 'height="[0-9]*"' | grep -q .; then
			echo "FAIL weight: $page has an image without height"; fail=$((fail + 1))
		fi
		# the logo at the top of every page is seen at once: loading it
		# lazily would only delay it, so the site title's image is eager
		if grep -v 'class="site-title"' "$f" | grep -o '<img [^>]*>' | grep -v 'loading="lazy"' | grep -q .; then
			echo "FAIL weight: $page has an image that does not load lazily"; fail=$((fail + 1))
		fi
	done
	if grep -rl '@font-face\|fonts.googleapis' "$out" --include='*.css' --include='*.html' | grep -q .; then
		echo "FAIL weight: $out uses web fonts"; fail=$((fail + 1))
	fi
	echo "  $(basename "$out"): heaviest page $heaviest_page, $heaviest bytes"
done
# every chart's two pictures are there, as wide as the page says: a
# computer's at 1x and 2x of 640, a phone's (the <source> shown on narrow
# screens) at 2x of 320
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
charts=0 phones=0
for page in $(cd "$tmp/default" && grep -rl '<figure class="chart' --include='*.html' . | sort); do
	grep -o '<\(source\|img\) [^>]*srcset="/charts/[^>]*>' "$tmp/default/$page" >"$tmp/pictures"
	while read -r tag; do
		w=$(echo "$tag" | sed -n 's/.* width="\([0-9]*\)".*/\1/p')
		want=640; case $tag in '<source '*) want=320 phones=$((phones + 1)) ;; esac
		one=$(echo "$tag" | sed -n 's/.*srcset="\/\([^ ]*\) 1x, .*/\1/p')
		two=$(echo "$tag" | sed -n 's/.*srcset="\([^"]*, \)\{0,1\}\/\([^ ]*\) 2x".*/\2/p')
		[ "$want" = 320 ] && [ -z "$one" ] && one=none
		if [ "$w" != "$want" ] || [ ! -f "$tmp/default/$two" ] ||
			[ "$(png_width "$tmp/default/$two")" != $((w * 2)) ] ||
			{ [ "$one" != none ] && { [ ! -f "$tmp/default/$one" ] ||
				[ "$(png_width "$tmp/default/$one")" != "$w" ]; }; }; then
			echo "FAIL weight: $page: a chart picture is not as wide as its page says: $tag"
			fail=$((fail + 1))
		else
			charts=$((charts + 1))
		fi
	done <"$tmp/pictures"
done
if [ "$charts" -lt 20 ] || [ $((phones * 2)) != "$charts" ]; then
	echo "FAIL weight: $charts chart pictures in the default site, $phones of them for phones (expected half of 20 or more)"
	fail=$((fail + 1))
else
	pass=$((pass + 1))
	echo "  default: $charts chart pictures at their widths"
fi
echo "weight: $pass passed, $fail failed"
[ $fail = 0 ]
