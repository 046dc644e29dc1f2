#!/usr/bin/env python3
"""serve_edits.py: how fast `waymark serve` answers a one-file change.

    serve_edits.py WAYMARK SITE STORY EDITS OUT

Starts `waymark serve` on SITE (its output kept below OUT's directory, as
XDG_CACHE_HOME), listens to the reload events an open page listens to, and
makes EDITS edits of each kind to content/stories/STORY: a sentence added
to its words, then a word added to its title. For each it appends to
OUT-words and OUT-title a line "rebuild_ms reload_ms": the rebuild's time as
the server prints it ("rebuilt N pages in X ms (...)", comparable to a `waymark
build` rebuild), and the time from the file's writing to the open page's
reload event (which adds the quiet time the server waits for an editor's
save to settle, SERVE_DEBOUNCE_MS in generator/serve.c). Exits 1, saying
why, when the server does not start or an edit brings no rebuild in 30 s.
"""
import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time


def fail(why):
    print("serve_edits: " + why, file=sys.stderr)
    sys.exit(1)


def lines_to(stream, q):
    for line in stream:
        q.put((time.monotonic(), line.rstrip("\n")))
    q.put((time.monotonic(), None))


def take(q, pattern, seconds):
    """The first line of q matching pattern (a match object), within seconds."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None, None
        try:
            t, line = q.get(timeout=left)
        except queue.Empty:
            return None, None
        if line is None:
            return None, None
        m = re.search(pattern, line)
        if m:
            return t, m


def main():
    if len(sys.argv) != 6:
        fail("usage: serve_edits.py WAYMARK SITE STORY EDITS OUT")
    waymark, site, story, edits, out = sys.argv[1:]
    edits = int(edits)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(os.path.dirname(out), "serve-cache"))
    server = subprocess.Popen([waymark, "serve", "-s", site, "-p", "0"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    said = queue.Queue()
    threading.Thread(target=lines_to, args=(server.stdout, said), daemon=True).start()
    try:
        _, m = take(said, r"^serving .* at http://127\.0\.0\.1:(\d+)/", 300)
        if not m:
            fail("the server did not start")
        conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=60)
        conn.request("GET", "/__waymark/events")
        events = queue.Queue()
        threading.Thread(target=lines_to, args=(
            (line.decode() for line in conn.getresponse()), events), daemon=True).start()
        take(events, r"^retry:", 10)
        path = os.path.join(site, "content", "stories", story)
        for kind in ("words", "title"):
            for i in range(edits):
                time.sleep(0.5)  # the last rebuild's memory freed, its cache saved
                with open(path) as f:
                    text = f.read()
                if kind == "words":
                    text += "\nOne more sentence for served edit %d.\n" % i
                else:
                    text = text.replace('title: "', 'title: "%d ' % i, 1)
                t0 = time.monotonic()
                with open(path, "w") as f:
                    f.write(text)
                t1, reload_ = take(events, r"^event: reload", 30)
                _, rebuilt = take(said, r"^rebuilt \d+ pages? in (\d+) ms", 30)
                if not reload_ or not rebuilt:
                    fail("a %s edit brought no rebuild in 30 s" % kind)
                with open(out + "-" + kind, "a") as f:
                    f.write("%s %.0f\n" % (rebuilt.group(1), (t1 - t0) * 1000))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
