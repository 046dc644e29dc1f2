#!/usr/bin/env python3
"""screenshots: full-page PNGs of the built site in headless Chromium.

    python3 tests/screenshots.py     (run by `make screenshots`)

Builds the default site twice into a temporary directory, as it is (the
default theme) and with themes/example-community, and shoots a few pages
of each at 1280 and 320 CSS pixels wide into screenshots/ (not in git).
public/ is left alone. WAYMARK=path overrides the executable. Each build
is served by its own tiny HTTP server on 127.0.0.1, because clean URLs
need one (/about/ -> about/index.html).

Chromium is driven over --remote-debugging-pipe (the DevTools protocol
as NUL-separated JSON on file descriptors 3 and 4), which needs nothing
but the standard library and, unlike `chromium --screenshot`, can capture
the whole page, measure it and press Tab. Besides the PNGs it reports
every page that scrolls sideways (the shots at both widths, and every
page of the default site at 320 px), naming the elements that stick out,
and exits 1 if any does. Missing Chromium is installed when run as root;
otherwise the apt-get line to run is printed.
"""
import base64
import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

WIDTHS = (1280, 320)
PAGES = (  # (site, path, file stem)
    ("default", "/", "home"),
    ("default", "/about/", "about"),
    ("default", "/pathways/nursing/", "pathway-nursing"),
    ("default", "/frameworks/", "frameworks"),
    ("default", "/frameworks/employability/teamwork/", "skill-teamwork"),
    ("default", "/stories/aisha-help-desk-to-security/", "story-aisha"),
    ("default", "/search/", "search"),
    ("default", "/plan/", "plan"),
    ("example", "/", "example-community-home"),
)
# Keyboard focus, viewport only: how many Tabs from the top of the page.
FOCUS = (
    ("default", "/", 1, "focus-skip-link"),
    ("default", "/", 3, "focus-menu"),
    ("example", "/", 3, "example-community-focus-menu"),
)
# The flags docs (../shared/NOTES.md) found keep Chromium quiet and offline.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--hide-scrollbars", "--force-device-scale-factor=1",
]

OVERFLOW_JS = """(() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0)
      out.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') +
               ' right=' + Math.round(r.right));
  }
  return JSON.stringify({scrollWidth: document.documentElement.scrollWidth,
                         width: w, height: document.documentElement.scrollHeight,
                         sticking_out: out.slice(0, 8)});
})()"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    """An HTTP server for `root` on a free port of 127.0.0.1; its base URL."""
    handler = functools.partial(Quiet, directory=root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


def high_fd(fd):
    """A copy of `fd` numbered 10 or more; `fd` is closed."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Browser:
    """Chromium with the DevTools protocol on a pipe."""

    def __init__(self, profile):
        to_child, self.w = os.pipe()      # chromium reads commands on fd 3
        self.r, from_child = os.pipe()    # and writes answers on fd 4
        # Numbered 10 and up first, so that moving one end onto 3 or 4 in
        # the child cannot clobber the other.
        to_child, from_child = (high_fd(to_child), high_fd(from_child))

        def onto_3_and_4():  # dup2 makes the copies inheritable
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)
        # close_fds would close 3 and 4 again; Python's own descriptors are
        # close-on-exec anyway.
        self.proc = subprocess.Popen(
            ["chromium", *FLAGS, "--remote-debugging-pipe",
             "--user-data-dir=" + profile, "about:blank"],
            preexec_fn=onto_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def wait_event(self, method, session):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and m.get("sessionId") == session:
                    del self.events[i]
                    return m
            self.events.append(self._read())

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def open_page(b, url, width):
    """A fresh tab `width` CSS pixels wide showing `url`; its session id."""
    target = b.call("Target.createTarget", url="about:blank")["targetId"]
    s = b.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    b.call("Page.enable", s)
    b.call("Emulation.setDeviceMetricsOverride", s, width=width, height=800,
           deviceScaleFactor=1, mobile=False)
    b.call("Page.navigate", s, url=url)
    b.wait_event("Page.loadEventFired", s)
    return target, s


def measure(b, s):
    """The page's width and full height, and what sticks out sideways."""
    r = b.call("Runtime.evaluate", s, expression=OVERFLOW_JS, returnByValue=True)
    return json.loads(r["result"]["value"])


def shoot(b, s, path, m=None):
    """A PNG of the viewport, or with `m` (from measure) of the whole page."""
    params = {"format": "png"}
    if m:
        params["captureBeyondViewport"] = True
        params["clip"] = {"x": 0, "y": 0, "width": m["width"],
                          "height": m["height"], "scale": 1}
    data = b.call("Page.captureScreenshot", s, **params)["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def ensure_chromium():
    if shutil.which("chromium"):
        return
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    if os.getuid() != 0:
        sys.exit("screenshots: chromium is missing; run:\n  sudo " + " ".join(cmd))
    print("screenshots: installing chromium")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.call(["apt-get", "update", "-qq"], env=env) or \
       subprocess.call(cmd + ["-qq"], env=env, stdout=subprocess.DEVNULL):
        sys.exit("screenshots: unable to install chromium")


def build(waymark, site, out):
    subprocess.run([waymark, "build", "-s", site, "-o", out, "--quiet"], check=True)
    return out


def example_site(top, tmp):
    """A site directory: the default site with theme: example-community."""
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    with open(os.path.join(top, "site.yaml")) as f:
        lines = [l for l in f if not l.startswith("theme:")]
    with open(os.path.join(site, "site.yaml"), "w") as f:
        f.writelines(lines + ["theme: example-community\n"])
    for d in ("content", "themes"):
        os.symlink(os.path.join(top, d), os.path.join(site, d))
    return site


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    waymark = os.environ.get("WAYMARK", os.path.join(top, "bin", "waymark"))
    out = os.path.join(top, "screenshots")
    ensure_chromium()
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.TemporaryDirectory()
    try:
        public = build(waymark, top, os.path.join(tmp.name, "default"))
        example = build(waymark, example_site(top, tmp.name),
                        os.path.join(tmp.name, "example"))
    except subprocess.CalledProcessError:
        tmp.cleanup()
        sys.exit("screenshots: the build failed")
    servers = {}
    for name, root in (("default", public), ("example", example)):
        servers[name] = serve(root)
    problems = 0
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(profile)
        try:
            for site, path, stem in PAGES:
                for width in WIDTHS:
                    target, s = open_page(b, servers[site][1] + path, width)
                    m = measure(b, s)
                    png = os.path.join(out, "%s-%d.png" % (stem, width))
                    shoot(b, s, png, m)
                    note = ""
                    if m["scrollWidth"] > m["width"]:
                        problems += 1
                        note = "  SCROLLS SIDEWAYS (%d px wide): %s" % (
                            m["scrollWidth"], ", ".join(m["sticking_out"]))
                    print("  %s  %dx%d%s" % (os.path.relpath(png, top), m["width"], m["height"], note))
                    b.call("Target.closeTarget", targetId=target)
            for site, path, tabs, stem in FOCUS:
                for width in WIDTHS:
                    target, s = open_page(b, servers[site][1] + path, width)
                    for _ in range(tabs):
                        for kind in ("rawKeyDown", "keyUp"):
                            b.call("Input.dispatchKeyEvent", s, type=kind, key="Tab",
                                   code="Tab", windowsVirtualKeyCode=9)
                    png = os.path.join(out, "%s-%d.png" % (stem, width))
                    shoot(b, s, png)
                    print("  %s  (viewport, after %d Tab)" % (os.path.relpath(png, top), tabs))
                    b.call("Target.closeTarget", targetId=target)
            # no screenshots, but every page of the default site at 320 px
            # must not scroll sideways either
            swept = 0
            target, s = open_page(b, "about:blank", 320)
            for d, _, files in sorted(os.walk(public)):
                if "index.html" not in files:
                    continue
                path = "/" + os.path.relpath(d, public).replace(os.sep, "/") + "/"
                path = "/" if path == "/./" else path
                b.call("Page.navigate", s, url=servers["default"][1] + path)
                b.wait_event("Page.loadEventFired", s)
                m = measure(b, s)
                swept += 1
                if m["scrollWidth"] > m["width"]:
                    problems += 1
                    print("  %s at 320 px SCROLLS SIDEWAYS (%d px wide): %s" % (
                        path, m["scrollWidth"], ", ".join(m["sticking_out"])))
            b.call("Target.closeTarget", targetId=target)
            print("  every page of the default site at 320 px: %d checked" % swept)
        finally:
            b.close()
            for srv, _ in servers.values():
                srv.shutdown()
            tmp.cleanup()
    print("screenshots: %d pages scroll sideways" % problems)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
