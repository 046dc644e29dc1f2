#!/usr/bin/env python3
"""Bad input at random: the default and regression sites, broken one change at a time.

tests/bad/ holds one site for each kind of mistake we thought of. Here a
seeded walk makes the ones nobody thought of: each case changes one input
file (content and its pictures, theme, Lua hooks, site.yaml) of a copy of
the default site, or of one of tests/regress/*/site (half the cases)
by flipping bits, inserting YAML, Markdown and Mustache punctuation,
cutting or repeating text or swapping lines; or changes the files
themselves (deleted, renamed, turned into a directory or a symbolic link,
emptied, given a very long line or deep nesting, copied, moved down a
folder). Then it builds into the output of the last good build, and:

- the exit status is 0 or 1, or 3 for a file it cannot read (a link to
  nowhere, a directory where a file should be; docs/usage.md): never a
  crash, a signal or an internal error;
- a sanitizer reports nothing (with bin/waymark-asan, which make runs);
- a failed build prints at least one 'path:line:col: error: ' (or
  'path: error: ') line and leaves the output byte for byte as it was;
- every line it prints is a diagnostic of one line or the count of them;
- a build that works writes exactly what a build from nothing writes
  (the weird edits tests/rebuilds-random.py does not make).

After each case the change is undone; a case that built is built again
undone, so that every case starts from the good site.

    python3 tests/fuzz.py [CASES [FIRST_SEED]]      (300 from seed 1)

A failure prints the seed, the file and what the build printed, and keeps
the broken file in the case's directory under $TMPDIR.
"""
import glob
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WAYMARK = os.environ.get('WAYMARK', os.path.join(TOP, 'bin', 'waymark'))
CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 300
FIRST = int(sys.argv[2]) if len(sys.argv) > 2 else 1
ENV = dict(os.environ,
           ASAN_OPTIONS='detect_leaks=1',
           LSAN_OPTIONS='suppressions=%s/tests/lsan.supp:print_suppressions=0' % TOP,
           UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1')

TOKENS = [b':', b': ', b'---\n', b'\t', b'\0', b'{{', b'}}', b'{{{', b'{{#', b'{{/', b'{{^',
          b'{{>', b'{{<', b'{{$', b'[', b']', b'*', b'&', b'\xff', b'\xc3', b"'", b'"', b'- ',
          b'  ', b'\n', b'|', b'{', b'}', b'#', b'!', b'<', b'>', b'%', b'..', b'/', b'../',
          b'](', b'[[', b'\\', b'&amp;', b'<script>', b'-1', b'1e999', b'0x', b'nan', b'~',
          b'null', b'!!binary', b'&a ', b'*a', b'? ', b',', b'```', b'~~~', b'| --- |', b'^',
          b'[^1]', b'[^1]: x', b'\r', b'\r\n', b'\xe2\x80\xae', b'\xef\xbb\xbf',
          b'99999999999999999999', b'-', b'=', b'@', b'$', b'{{< callout >}}', b'{{< x',
          b'![a](p.png)', b'](../', b'](#', b'<div>', b'](/', b'](/plan/#x', b'![a](/s.png)',
          b'url: /x/']


def inputs(site):
    """Every file of the site: content (pictures too), theme, hooks."""
    found = [os.path.join(site, 'site.yaml')]
    for top in ('content', 'themes', 'lua'):
        for d, _, files in os.walk(os.path.join(site, top)):
            found += [os.path.join(d, f) for f in files]
    return sorted(found)


def sites(tmp):
    """Copies of the default site and of each regression site, built:
    [(site, out, files)]."""
    made = []
    sources = [TOP] + sorted(glob.glob(os.path.join(TOP, 'tests', 'regress', '*', 'site')))
    for i, src in enumerate(sources):
        site, out = os.path.join(tmp, 'site%d' % i), os.path.join(tmp, 'out%d' % i)
        os.makedirs(site)
        for x in ('content', 'themes', 'lua'):
            if os.path.isdir(os.path.join(src, x)):
                shutil.copytree(os.path.join(src, x), os.path.join(site, x), symlinks=True)
        shutil.copy(os.path.join(src, 'site.yaml'), site)
        r = build(site, out)
        if r.returncode != 0:
            sys.exit('fuzz: %s does not build:\n%s' % (src, r.stderr.decode()))
        made.append((site, out, inputs(site)))
    return made


def mutate(rng, data):
    """One to four changes to the bytes."""
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if kind == 0 and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        elif kind == 1:
            data = data[:at] + rng.choice(TOKENS) + data[at:]
        elif kind == 2:
            data = data[:at] + data[at + rng.randint(1, 40):]
        elif kind == 3 and data:
            a = rng.randrange(len(data))
            data = data[:at] + data[a:a + rng.randint(1, 200)] + data[at:]
        elif kind == 4:
            data = data[:at]
        else:
            lines = data.split(b'\n')
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = b'\n'.join(lines)
    return data


def restructure(rng, path, data):
    """A change to the file rather than its bytes: (what, undo or None)."""
    kind = rng.randrange(9)
    folder, name = os.path.split(path)
    if kind == 0:
        os.remove(path)
        return 'deleted', None
    if kind == 1:
        new = rng.choice(['UPPER.md', 'with space.md', 'caf\u00e9.md', '.hidden.md', 'x.MD',
                          '-dash.md', 'a..b.md', '_index.md', 'index.md', name + '.bak',
                          'x' * 250 + '.md'])
        to = os.path.join(folder, new)
        if os.path.lexists(to):
            return 'left as it was', None
        os.rename(path, to)
        return 'renamed to ' + new, lambda: os.remove(to)
    if kind == 2:
        os.remove(path)
        os.mkdir(path)
        return 'made a directory', lambda: os.rmdir(path)
    if kind == 3:
        target = rng.choice(['/etc/passwd', path, '/nonexistent', '..', '/dev/zero',
                             '/proc/version'])
        os.remove(path)
        os.symlink(target, path)
        return 'made a link to ' + target, lambda: os.remove(path)
    if kind == 4:
        new = b''
    elif kind == 5:
        new = data + b'\n' + b'a' * rng.choice([70000, 1 << 20]) + b'\n'
    elif kind == 6:
        unit = rng.choice([b'>', b'- ', b'1. ', b'[', b'*', b'{{#a}}', b'  - '])
        new = data + b'\n' + unit * rng.choice([200, 5000]) + b'x\n'
    elif kind == 7:
        to = os.path.join(folder, 'copy-' + name)
        shutil.copy(path, to)
        return 'copied to copy-' + name, lambda: os.remove(to)
    else:
        sub = os.path.join(folder, 'sub')
        os.makedirs(sub, exist_ok=True)
        os.rename(path, os.path.join(sub, name))
        return 'moved into sub/', lambda: shutil.rmtree(sub)
    with open(path, 'wb') as f:
        f.write(new)
    return 'rewritten (%d bytes)' % len(new), None


def tree(d, strip=''):
    """Every name, kind and byte below d (names without the prefix strip)."""
    h = hashlib.sha256()
    for dp, dirs, files in os.walk(d):
        dirs.sort()
        for name in sorted(files) + ['/' + x for x in dirs]:
            p = os.path.join(dp, name.lstrip('/'))
            h.update(p[len(strip):].encode() + b'\0')
            if not name.startswith('/') and not os.path.islink(p):
                with open(p, 'rb') as f:
                    h.update(f.read())
    return h.hexdigest()


DIAG = re.compile(rb'^[^\n]+?(:\d+:\d+)?: error: ', re.M)
LINE = re.compile(rb'^([^\n]+?: (error|warning): [^\n]*|\d+ errors?, \d+ warnings?)$')
UNREADABLE = re.compile(rb"^waymark: error: (unable to read|no 'site.yaml' in) ", re.M)


def build(site, out):
    return subprocess.run([WAYMARK, 'build', '-s', site, '-o', out, '--quiet'], env=ENV,
                          capture_output=True, timeout=300)


def main():
    tmp = tempfile.mkdtemp(prefix='waymark-fuzz.')
    made = sites(tmp)
    good = [tree(out) for _, out, _ in made]
    failed, statuses = 0, {}
    for seed in range(FIRST, FIRST + CASES):
        rng = random.Random(seed)
        # half the cases on the default site, half on the others
        which = 0 if rng.random() < 0.5 else rng.randrange(1, len(made))
        site, out, files = made[which]
        path = rng.choice(files)
        with open(path, 'rb') as f:
            data = f.read()
        undo = None
        if rng.random() < 0.25:
            what, undo = restructure(rng, path, data)
            new = what.encode()
        else:
            new = mutate(rng, data)
            what = 'bytes changed'
            with open(path, 'wb') as f:
                f.write(new)
        try:
            r = build(site, out)
            status, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            status, err = 'timeout', b''
        statuses[status] = statuses.get(status, 0) + 1
        problem = None
        stray = [x for x in err.splitlines() if not LINE.match(x)]
        if status not in (0, 1) and not (status == 3 and UNREADABLE.search(err)):
            problem = 'exit status %s' % status
        elif b'Sanitizer' in err or b'runtime error' in err:
            problem = 'a sanitizer report'
        elif status in (1, 3) and not DIAG.search(err):
            problem = 'a failure without an error line'
        elif stray:
            problem = 'a line that is not a diagnostic: %r' % stray[0][:200]
        elif status in (1, 3) and tree(out) != good[which]:
            problem = 'a failed build changed the output'
        elif status == 0:
            # what the rebuild wrote is what a build from nothing writes
            fresh = os.path.join(tmp, 'fresh')
            shutil.rmtree(fresh, ignore_errors=True)
            for cache in glob.glob(os.path.join(tmp, '.waymark-*-fresh*')):
                (shutil.rmtree if os.path.isdir(cache) else os.remove)(cache)
            f = build(site, fresh)
            if f.returncode != 0 or tree(fresh, fresh) != tree(out, out):
                problem = 'the rebuild differs from a build from nothing'
        if problem:
            failed += 1
            keep = os.path.join(tmp, 'case-%d' % seed)
            os.makedirs(keep)
            with open(os.path.join(keep, os.path.basename(path)), 'wb') as f:
                f.write(new)
            print('fuzz: seed %d: %s, %s %s; kept in %s:\n%s' % (
                seed, problem, os.path.relpath(path, site), what, keep,
                err.decode('utf-8', 'replace')[-2000:]), flush=True)
        if undo:
            undo()
        with open(path, 'wb') as f:
            f.write(data)
        if status == 0:
            r = build(site, out)
            if r.returncode != 0:
                sys.exit('fuzz: seed %d: the site put back does not build:\n%s' % (
                    seed, r.stderr.decode()))
            good[which] = tree(out)
    print('fuzz: %d passed, %d failed (%d cases from seed %d: %d built, %d had errors, '
          '%d unreadable files)' % (CASES - failed, failed, CASES, FIRST, statuses.get(0, 0),
                                    statuses.get(1, 0), statuses.get(3, 0)))
    if not failed:
        shutil.rmtree(tmp)
    return 1 if failed else 0


sys.exit(main())
