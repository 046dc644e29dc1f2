#!/bin/sh
# bench.sh: full and incremental build times of waymark against Hugo on
# synthetic sites (tests/bench/gensite.py), with the targets of issue 9.4/9.5.
#
#   sh tests/bench/bench.sh            (make bench runs it)
#   BENCH_SIZES="1000" BENCH_RUNS=1 BENCH_EDITS=1 sh tests/bench/bench.sh
#
# Full builds run BENCH_RUNS times (3) by each tool; rebuilds, which take
# a tenth of a second, BENCH_EDITS times (9), so that their medians hold
# still on a machine whose speed wanders.
#
# A measurement, not a test: missing a target never fails it. A build that
# fails does (exit 1, with the build's own output).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WAYMARK=$ROOT/bin/waymark
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-3}
EDITS=${BENCH_EDITS:-9}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/waymark-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$WAYMARK" ] || die "no '$WAYMARK'; run make first"

# /usr/bin/time gives the peak memory; Hugo is compared with when present.
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ]; then
	echo "installing time"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || true
fi
[ -x /usr/bin/time ] || die "/usr/bin/time not found; run: sudo apt-get install time"
HUGO=hugo
HUGO_SKIP=""
if ! command -v hugo >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing hugo"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >"$TMP/apt.log" 2>&1 ||
			HUGO_SKIP="apt-get install hugo failed: $(tail -n 1 "$TMP/apt.log")"
	else
		HUGO_SKIP="hugo is not installed and we are not root (run: sudo apt-get install hugo)"
	fi
fi
[ -n "$HUGO_SKIP" ] || command -v hugo >/dev/null 2>&1 || HUGO_SKIP="hugo not found after installing it"
[ -z "$HUGO_SKIP" ] && HUGO_VERSION=$(hugo version | cut -d' ' -f2)

# run LABEL CMD...: run CMD once; append "ms peak_kb cpu_ms" to $TMP/LABEL.
# Wall time is taken around the command in ms; the peak resident set and
# the CPU time (user and system, every thread's) come from /usr/bin/time.
run() {
	label=$1; shift
	t0=$(date +%s%N)
	if ! /usr/bin/time -f '%M %U %S' -o "$TMP/time.out" "$@" >"$TMP/cmd.out" 2>&1; then
		cat "$TMP/cmd.out" >&2
		die "build failed: $*"
	fi
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $(tail -n 1 "$TMP/time.out" |
		awk '{ printf "%s %.0f", $1, ($2 + $3) * 1000 }')" >>"$TMP/$label"
}

# median FILE COLUMN
median() {
	sort -n -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

# spread FILE: "the median ms (N runs: fastest-slowest)"
spread() {
	sort -n -k1,1 "$1" | awk '{ v[NR] = $1 } END {
		printf "%s ms (%d runs: %s-%s)", v[int((NR + 1) / 2)], NR, v[1], v[NR] }'
}

# fmt_ratio A B: A / B with one decimal
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

target() {   # target VALUE OP LIMIT → reached / NOT reached
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == ">=") ? v >= l : (op == "<=") ? v <= l : v < l
		print ok ? "reached" : "NOT reached" }'
}

# full_builds SIZE: RUNS builds from nothing by each tool, each into a new
# directory (out-TOOL-1, -2, ...), taking turns (waymark, Hugo, waymark...)
# so that a spell of other work on the machine slows both alike. Nothing is
# deleted until the bench ends: ext4 without a journal (this machine's)
# passes over every inode freed in the last minute, or six while its inode
# table is not yet written back (RECENTCY_MIN and RECENTCY_DIRTY in
# fs/ext4/ialloc.c), each time it makes a file. A build that follows
# deleting 10,000 files spends seconds in the kernel, which would be
# measured instead of the tool; so would a bench run within minutes of
# another (its own clean-up deletes its sites), or of a test run.
full_builds() {
	size=$1 i=1
	while [ $i -le "$RUNS" ]; do
		# (WAYMARK_TIMINGS=1: it also says how long parsing Markdown and
		# writing the charts' PNGs took, libraries' work that no tuning of
		# waymark's own code makes shorter, and the CPU the charts took in
		# all: work that Hugo's site, which has no charts, does not do)
		run "$size-waymark-full" env WAYMARK_TIMINGS=1 "$WAYMARK" build -s "$TMP/s$size/waymark" -o "$TMP/s$size/out-waymark-$i"
		cp "$TMP/cmd.out" "$TMP/waymark.out"
		awk '$1 == "parsing" { p = $2 } $1 == "png" { z = $2 } $1 == "drawing" { d = $2 }
			END { printf "%.0f %.0f %.0f\n", p, z, d }' \
			"$TMP/cmd.out" >>"$TMP/$size-waymark-parts"
		[ -n "$HUGO_SKIP" ] ||
			run "$size-hugo-full" "$HUGO" --quiet -s "$TMP/s$size/hugo" -d "$TMP/s$size/out-hugo-$i"
		i=$((i + 1))
	done
}

START=$(date +%s)
echo "waymark build benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $RUNS full builds and $EDITS rebuilds each, medians reported"
[ -n "$HUGO_SKIP" ] && echo "Hugo skipped: $HUGO_SKIP"
[ -z "$HUGO_SKIP" ] && echo "Hugo: $HUGO_VERSION"
echo

for size in $SIZES; do
	echo "generating the $size-page sites..."
	python3 "$ROOT/tests/bench/gensite.py" --pages "$size" --out "$TMP/s$size" >/dev/null
	full_builds "$size"
	wm_pages=$(sed -n 's/^built \([0-9]*\) pages.*/\1/p' "$TMP/waymark.out")
	if [ -z "$HUGO_SKIP" ]; then
		# Hugo's pages: every HTML file but the redirect it writes for /stories/page/1/
		hugo_pages=$(( $(find "$TMP/s$size/out-hugo-1" -name '*.html' | wc -l) -
			$(grep -rl 'http-equiv="refresh"' "$TMP/s$size/out-hugo-1" --include='*.html' | wc -l) ))
	fi
	# a floor: making the same files without generating them (cp -r of
	# waymark's output, one thread)
	run "$size-copy" cp -r "$TMP/s$size/out-waymark-1" "$TMP/s$size/copy"
	# rebuilds into the last full build's output
	out="$TMP/s$size/out-waymark-$RUNS"
	i=0
	while [ $i -lt "$EDITS" ]; do
		run "$size-waymark-nochange" "$WAYMARK" build -s "$TMP/s$size/waymark" -o "$out"
		i=$((i + 1))
	done
	story=$(ls "$TMP/s$size/waymark/content/stories/" | grep -v '^_' | sed -n 2p)
	i=0
	while [ $i -lt "$EDITS" ]; do
		printf '\nOne more sentence for edit %d of the benchmark.\n' "$i" >>"$TMP/s$size/waymark/content/stories/$story"
		run "$size-waymark-onechange" "$WAYMARK" build -s "$TMP/s$size/waymark" -o "$out"
		grep -q '(1 rendered' "$TMP/cmd.out" || echo "note: one-file rebuild said: $(cat "$TMP/cmd.out")"
		i=$((i + 1))
	done
	# a field instead of the words: the lists and pages that show the
	# story's title render too (the full incremental path)
	i=0
	while [ $i -lt "$EDITS" ]; do
		sed -i "s/^title: \"/title: \"$i /" "$TMP/s$size/waymark/content/stories/$story"
		run "$size-waymark-onefield" "$WAYMARK" build -s "$TMP/s$size/waymark" -o "$out"
		i=$((i + 1))
	done
	# the same two edits while `waymark serve` runs on the site (a process
	# that watches the content and keeps its output): the rebuild as the
	# server prints it, and the time from the file's writing to an open
	# page's reload event (tests/bench/serve_edits.py)
	python3 "$ROOT/tests/bench/serve_edits.py" "$WAYMARK" "$TMP/s$size/waymark" "$story" "$EDITS" \
		"$TMP/$size-serve" || die "waymark serve failed"
	# the same site with the default site's Lua hooks (the glossary's site
	# and markdown hooks, callouts, the reading-time helper): one full
	# build, then the two edits again
	cp -R "$TMP/s$size/waymark" "$TMP/s$size/hooked"
	cp -R "$ROOT/lua" "$TMP/s$size/hooked/"
	run "$size-hooks-full" "$WAYMARK" build -s "$TMP/s$size/hooked" -o "$TMP/s$size/out-hooked"
	i=0
	while [ $i -lt "$EDITS" ]; do
		printf '\nOne more sentence for edit %d of the benchmark.\n' "$i" >>"$TMP/s$size/hooked/content/stories/$story"
		run "$size-hooks-onechange" "$WAYMARK" build -s "$TMP/s$size/hooked" -o "$TMP/s$size/out-hooked"
		sed -i "s/^title: \"/title: \"$i /" "$TMP/s$size/hooked/content/stories/$story"
		run "$size-hooks-onefield" "$WAYMARK" build -s "$TMP/s$size/hooked" -o "$TMP/s$size/out-hooked"
		i=$((i + 1))
	done
	echo "$size $wm_pages ${hugo_pages:-0}" >>"$TMP/sizes"
done

echo
printf '%-6s %-8s %7s %10s %9s %9s %8s\n' size tool pages "median ms" "pages/s" "peak MB" "CPU ms"
while read -r size wm_pages hugo_pages; do
	for tool in waymark hugo; do
		f=$TMP/$size-$tool-full
		[ -f "$f" ] || continue
		ms=$(median "$f" 1); kb=$(median "$f" 2); cpu=$(median "$f" 3)
		pages=$wm_pages; [ "$tool" = hugo ] && pages=$hugo_pages
		printf '%-6s %-8s %7s %10s %9s %9s %8s\n' "$size" "$tool" "$pages" "$ms" \
			"$(awk -v p="$pages" -v m="$ms" 'BEGIN { printf "%.0f", p * 1000 / m }')" \
			"$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" "$cpu"
		eval "${tool}_ms_$size=$ms ${tool}_kb_$size=$kb ${tool}_cpu_$size=$cpu"
	done
	if [ -f "$TMP/$size-hugo-full" ]; then
		eval "sp=\$(ratio \$hugo_ms_$size \$waymark_ms_$size) mf=\$(ratio \$waymark_kb_$size \$hugo_kb_$size)"
		eval "cf=\$(ratio \$waymark_cpu_$size \$hugo_cpu_$size)"
		echo "       waymark vs hugo: ${sp}x the speed, ${mf} of the peak memory, ${cf} of the CPU time"
		# how far the runs were apart: on a shared machine, often more
		# than the median moves from one bench to the next
		echo "       full builds: waymark $(spread "$TMP/$size-waymark-full"), hugo $(spread "$TMP/$size-hugo-full")"
		eval "speed_$size=$sp mem_$size=$mf"
	fi
	cp_ms=$(median "$TMP/$size-copy" 1)
	printf '%-6s %-8s copying its output with cp -r (making the files, no generating): %s ms\n' "$size" waymark "$cp_ms"
	eval "copy_$size=$cp_ms"
	parse_ms=$(median "$TMP/$size-waymark-parts" 1); png_ms=$(median "$TMP/$size-waymark-parts" 2)
	draw_ms=$(median "$TMP/$size-waymark-parts" 3)
	printf '%-6s %-8s within its full build: parsing Markdown %s ms (cmark-gfm parses one document at a time); the charts %s ms of CPU, of which writing their PNGs %s (libgd; Hugo'"'"'s site has no charts)\n' \
		"$size" waymark "$parse_ms" "$draw_ms" "$png_ms"
	eval "parse_$size=$parse_ms png_$size=$png_ms draw_$size=$draw_ms"
	nc=$(median "$TMP/$size-waymark-nochange" 1); oc=$(median "$TMP/$size-waymark-onechange" 1)
	of=$(median "$TMP/$size-waymark-onefield" 1)
	printf '%-6s %-8s rebuild, no change: %s\n' "$size" waymark "$(spread "$TMP/$size-waymark-nochange")"
	printf '%-6s %-8s rebuild, one story'"'"'s words changed: %s, peak %s MB\n' "$size" waymark \
		"$(spread "$TMP/$size-waymark-onechange")" \
		"$(awk -v k="$(median "$TMP/$size-waymark-onechange" 2)" 'BEGIN { printf "%.1f", k / 1024 }')"
	printf '%-6s %-8s rebuild, its title changed: %s\n' "$size" waymark "$(spread "$TMP/$size-waymark-onefield")"
	eval "nochange_$size=$nc onechange_$size=$oc onefield_$size=$of"
	hc=$(median "$TMP/$size-hooks-onechange" 1); hf=$(median "$TMP/$size-hooks-onefield" 1)
	printf '%-6s %-8s with the default Lua hooks: full build %s ms\n' "$size" waymark \
		"$(median "$TMP/$size-hooks-full" 1)"
	printf '%-6s %-8s   rebuild, a story'"'"'s words changed: %s\n' "$size" waymark \
		"$(spread "$TMP/$size-hooks-onechange")"
	printf '%-6s %-8s   rebuild, its title changed: %s\n' "$size" waymark "$(spread "$TMP/$size-hooks-onefield")"
	eval "hookchange_$size=$hc hookfield_$size=$hf"
	sw=$(median "$TMP/$size-serve-words" 1); st=$(median "$TMP/$size-serve-title" 1)
	printf '%-6s %-8s while serving (waymark serve), rebuild as it prints it; and from the file written to the open page told to reload:\n' "$size" waymark
	printf '%-6s %-8s   a story'"'"'s words changed: %s; %s ms to the reload\n' "$size" waymark \
		"$(spread "$TMP/$size-serve-words")" "$(median "$TMP/$size-serve-words" 2)"
	printf '%-6s %-8s   its title changed: %s; %s ms to the reload\n' "$size" waymark \
		"$(spread "$TMP/$size-serve-title")" "$(median "$TMP/$size-serve-title" 2)"
	eval "servewords_$size=$sw servetitle_$size=$st"
done <"$TMP/sizes"

echo
echo "Targets (issue 9.4/9.5), on the 10,000-page site:"
if grep -q '^10000 ' "$TMP/sizes"; then
	if [ -n "${speed_10000:-}" ]; then
		echo "  full build at least 5x faster than Hugo:      ${speed_10000}x   $(target "$speed_10000" ">=" 5)"
		echo "    (a fifth of Hugo's time is $(awk -v h="$hugo_ms_10000" 'BEGIN { printf "%.0f", h / 5 }') ms, at most $(awk -v h="$hugo_ms_10000" -v c="$(nproc)" 'BEGIN { printf "%.0f", h / 5 * c }') ms of CPU on $(nproc) CPUs;"
		echo "    waymark's build took ${waymark_cpu_10000} ms of CPU, of which its charts ${draw_10000} (their PNGs ${png_10000});"
		echo "    cp -r of waymark's output alone takes ${copy_10000} ms; parsing the Markdown, one document at a time, ${parse_10000} ms)"
		echo "  peak memory at most a fifth of Hugo's:        ${mem_10000}    $(target "$mem_10000" "<=" 0.2)"
	else
		echo "  full build vs Hugo (speed, memory):           not measured (Hugo skipped)"
	fi
	echo "  no-change rebuild under 150 ms:               ${nochange_10000} ms   $(target "$nochange_10000" "<" 150)"
	echo "  one-file change rebuild under 100 ms:"
	echo "    a story's words (only its page shows them):  ${onechange_10000} ms   $(target "$onechange_10000" "<" 100)"
	echo "    a story's title (lists show it too):         ${onefield_10000} ms   $(target "$onefield_10000" "<" 100)"
	echo "  the same with the default site's Lua hooks (every page's body goes through them):"
	echo "    a story's words:                             ${hookchange_10000} ms   $(target "$hookchange_10000" "<" 100)"
	echo "    a story's title:                             ${hookfield_10000} ms   $(target "$hookfield_10000" "<" 100)"
	echo "  the same while waymark serve runs (it knows what changed, and waits 40 ms for a save to settle before it rebuilds):"
	echo "    a story's words:                             ${servewords_10000} ms   $(target "$servewords_10000" "<" 100)"
	echo "    a story's title:                             ${servetitle_10000} ms   $(target "$servetitle_10000" "<" 100)"
else
	echo "  not measured (BENCH_SIZES has no 10000)"
fi
echo
echo "bench took $(( $(date +%s) - START )) s; load average now $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every number)"
