#!/bin/sh
# Light pages: every page of the default site (in both themes) weighs at
# most 60 KB of HTML + CSS + JavaScript uncompressed (images aside), needs
# no web fonts, and every image carries width, height and loading="lazy".
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
for out in "$tmp/default" "$tmp/example-out"; do
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
echo "weight: $pass passed, $fail failed"
[ $fail = 0 ]
