#!/usr/bin/env python3
"""Rebuilds equal fresh builds, after random edits.

tests/rebuilds.sh makes one edit of each kind at a time. Here a seeded
random walk makes one to three edits between builds, of every kind the
default site has (bodies, titles, dates, references between records, YAML
records, drafts, new and removed stories and pathways, templates, partials,
the stylesheet, Lua hooks, site.yaml, pictures added, changed and taken away,
plain touches, and putting a file back as it was), and after each step the incremental build of the edited site
must write exactly what a build from nothing writes, with the same
diagnostics and exit status. Seeds 1 to 4: the odd ones without the Lua
hooks, the even ones with them (a site hook makes every body depend on
every file, which would hide a missing dependency). Seeds 3 and 4 take a
picture a story's words show away while the story stays as it was.

    python3 tests/rebuilds-random.py [--serve] [STEPS [SEED...]]

With --serve, the rebuilds are a `waymark serve`'s, one server a seed: it
rebuilds when the edits' files change, listing again only the content
files its watch saw change and taking its output as its last good build
left it; after each step (once no further rebuild comes) its output must be
what a build from nothing writes, or both must fail. The walk's touches
are left out there (a server is not told of a file's times changing).

A failure prints the seed, the step and the edits that led to it.
"""
import fcntl
import glob
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WAYMARK = os.environ.get('WAYMARK', os.path.join(TOP, 'bin', 'waymark'))
SERVE = '--serve' in sys.argv[1:2]
ARGS = sys.argv[2:] if SERVE else sys.argv[1:]
STEPS = int(ARGS[0]) if ARGS else (40 if SERVE else 75)
SEEDS = [int(s) for s in ARGS[1:]] or ([1, 2] if SERVE else [1, 2, 3, 4])


def png(shade):
    """A 2x2 picture of one grey: a PNG of its own bytes for each shade."""
    def chunk(kind, data):
        return (len(data).to_bytes(4, 'big') + kind + data +
                zlib.crc32(kind + data).to_bytes(4, 'big'))
    rows = b''.join(b'\0' + bytes([shade]) * 6 for _ in range(2))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', (2).to_bytes(4, 'big') * 2 + b'\x08\x02\0\0\0') +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


class Walk:
    def __init__(self, seed, tmp):
        self.rnd = random.Random(seed)
        self.hooks = seed % 2 == 0
        self.site = os.path.join(tmp, 'site')
        self.n = 0
        self.log = []
        self.taken = None  # a picture taken away from what shows it, put back next step
        for part in ['content', 'themes'] + (['lua'] if self.hooks else []):
            shutil.copytree(os.path.join(TOP, part), os.path.join(self.site, part))
        shutil.copy(os.path.join(TOP, 'site.yaml'), self.site)
        self.original = {p: self.read(p) for p in self.files('**/*') if os.path.isfile(p)}

    # -- the site's files
    def files(self, pattern):
        return sorted(glob.glob(os.path.join(self.site, pattern), recursive=True))

    def records(self, section):
        return [p for p in self.files(f'content/{section}/*.md') if not p.endswith('_index.md')]

    @staticmethod
    def read(path):
        with open(path, encoding='utf-8') as f:
            return f.read()

    @staticmethod
    def write(path, text):
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)

    def append(self, path, text):
        with open(path, 'a', encoding='utf-8') as f:
            f.write(text)

    def set_field(self, path, key, value):
        """Set a front matter line `key: ...`; False when it has none."""
        text = self.read(path)
        end = text.find('\n---', 4)
        head, n = re.subn(rf'^{key}:.*$', f'{key}: {value}', text[:end], count=1, flags=re.M)
        if n:
            self.write(path, head + text[end:])
        return bool(n)

    def replace_one(self, path, pattern, value):
        """Replace group 1 of one match of `pattern`; False when none."""
        text = self.read(path)
        found = list(re.finditer(pattern, text, re.M))
        if not found:
            return False
        m = self.rnd.choice(found)
        self.write(path, text[:m.start(1)] + value + text[m.end(1):])
        return True

    # -- the edits: each returns False when it found nothing to change
    def body(self):
        self.append(self.rnd.choice(self.files('content/**/*.md')),
                    f'\nOne more sentence, number {self.n}, with [a link](/about/).\n')

    def title(self):
        return self.set_field(self.rnd.choice(self.files('content/**/*.md')), 'title',
                              f'"Edited title {self.n}"')

    def quote(self):
        return self.set_field(self.rnd.choice(self.records('stories')), 'quote',
                              f'"Edited quote {self.n}."')

    def date(self):
        r = self.rnd
        return self.set_field(r.choice(self.records('stories')), 'date',
                              f'20{r.randint(20, 26)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}')

    def pathway(self):
        ids = [os.path.basename(p)[:-3] for p in self.records('pathways')]
        return self.set_field(self.rnd.choice(self.records('stories')), 'pathway',
                              self.rnd.choice(ids))

    def stages(self):
        ids = [re.sub(r'^\d+-', '', os.path.basename(p)[:-3]) for p in self.records('lifecycle')]
        picked = self.rnd.sample(ids, self.rnd.randint(1, 3))
        return self.set_field(self.rnd.choice(self.records('stories')), 'stages',
                              '[' + ', '.join(picked) + ']')

    def skill(self):
        pattern = r'^  - ((?:employability|essential)/[a-z-]+)$'
        known = sorted({s for p in self.records('stories') for s in re.findall(pattern, self.read(p), re.M)})
        return self.replace_one(self.rnd.choice(self.records('stories')), pattern,
                                self.rnd.choice(known))

    def new_story(self):
        path = os.path.join(self.site, 'content', 'stories', f'added-{self.n}.md')
        self.write(path, self.read(self.rnd.choice(self.records('stories'))))
        self.set_field(path, 'title', f'"Added story {self.n}"')

    def new_pathway(self):
        source = self.rnd.choice(self.records('pathways'))
        pid = f'added-path-{self.n}'
        path = os.path.join(self.site, 'content', 'pathways', pid + '.md')
        self.write(path, re.sub(r'^id: .*$', f'id: {pid}', self.read(source), count=1, flags=re.M))
        self.set_field(path, 'title', f'"Added pathway {self.n}"')
        if self.rnd.random() < 0.7:
            self.set_field(self.rnd.choice(self.records('stories')), 'pathway', pid)

    def added(self):
        # only what the walk added: the default site links to its own pages
        return [p for p in self.records('stories') if '/added-' in p]

    def remove(self):
        added = self.added()
        if not added:
            return False
        os.remove(self.rnd.choice(added))

    def draft(self):
        added = self.added()
        if not added:
            return False
        path = self.rnd.choice(added)
        text = self.read(path)
        if '\ndraft: true\n' in text:
            self.write(path, text.replace('\ndraft: true\n', '\n', 1))
        else:
            self.write(path, text.replace('---\n', '---\ndraft: true\n', 1))

    def yaml_title(self):
        return self.replace_one(self.rnd.choice(self.files('content/*.yaml') + self.files('content/frameworks/*.yaml')),
                                r'^\s+title: (.*)$', f'Edited YAML title {self.n}')

    def definition(self):
        return self.replace_one(self.rnd.choice(self.files('content/frameworks/*.yaml')),
                                r'^\s+(?:definition|description): >-\n\s+()',
                                f'Edited words {self.n}. ')

    def step_title(self):
        return self.replace_one(self.rnd.choice(self.records('pathways')), r'^  - title: (.*)$',
                                f'Edited step {self.n}')

    def wage(self):
        return self.replace_one(self.rnd.choice(self.records('pathways')), r'hourly: (\d+(?:\.\d+)?)',
                                str(self.rnd.randint(12, 60)))

    def partial(self):
        path = self.rnd.choice(self.files('themes/default/partials/*.mustache'))
        self.append(path, f'<span class="edit">{self.n}</span>\n' if self.rnd.random() < 0.5
                    else f'{{{{! edit {self.n} }}}}\n')

    def template(self):
        path = self.rnd.choice(self.files('themes/default/templates/*.mustache'))
        text = self.read(path)
        if '</main>' in text:
            self.write(path, text.replace('</main>', f'<p class="edit">{self.n}</p></main>', 1))
        else:
            self.append(path, f'{{{{! edit {self.n} }}}}\n')

    def css(self):
        self.append(os.path.join(self.site, 'themes', 'default', 'assets', 'site.css'), f'/* edit {self.n} */\n')

    def lua(self):
        if not self.hooks:
            return False
        self.append(self.rnd.choice(self.files('lua/*.lua')), f'-- edit {self.n}\n')

    def site_yaml(self):
        path = os.path.join(self.site, 'site.yaml')
        self.write(path, re.sub(r'^description:.*$', f'description: Edited description {self.n}',
                                self.read(path), count=1, flags=re.M))

    def picture(self):
        """A picture beside the stories: a new one that a story shows in
        its words or as its photo, new bytes for one, one taken away with
        what showed it, or one taken away from what shows it (an error,
        though no story changed; put back at the next step)."""
        r, have = self.rnd, self.files('content/stories/*.png')
        choice = r.random()
        if have and choice < 0.25:
            # (one a story's words show, when there is one: no story
            # changes, yet its page cannot be made)
            gone = r.choice([p for p in have if '/picture-' in p] or have)
            with open(gone, 'rb') as f:
                self.taken = (gone, f.read())
            os.remove(gone)
        elif have and choice < 0.45:
            with open(r.choice(have), 'wb') as f:
                f.write(png(self.n % 256))
        elif have and choice < 0.6:
            gone = r.choice(have)
            name = os.path.basename(gone)
            for story in self.records('stories'):
                text = self.read(story)
                if name in text:
                    self.write(story, re.sub(rf'^.*{re.escape(name)}.*\n', '', text, flags=re.M))
            os.remove(gone)
        else:
            story = r.choice(self.records('stories'))
            text = self.read(story)
            photo = r.random() < 0.4 and not re.search(r'^image:', text, re.M)
            name = f'{"photo" if photo else "picture"}-{self.n}.png'
            with open(os.path.join(self.site, 'content', 'stories', name), 'wb') as f:
                f.write(png(self.n % 256))
            if photo:
                self.write(story, text.replace('\n---', f'\nimage: {{src: {name}, alt: "Photo {self.n}"}}\n---', 1))
            else:
                self.append(story, f'\n![Picture {self.n}, a grey square]({name})\n')

    def root_link(self):
        """A link from the site's root in a story's words: to a story the
        walk added, whose page goes when the walk removes it or makes it a
        draft (a warning then, though the words that link to it did not
        change), to the plan, or to a page the site never has."""
        targets = ['/plan/', '/stories/page/2/'] + [
            '/stories/%s/' % os.path.basename(p)[:-3] for p in self.added()]
        self.append(self.rnd.choice(self.records('stories')),
                    f'\nSee [more]({self.rnd.choice(targets)}).\n')

    def rename(self):
        """A story the walk added, moved to a new name (its page with it)."""
        added = self.added()
        if not added:
            return False
        os.rename(self.rnd.choice(added),
                  os.path.join(self.site, 'content', 'stories', f'added-{self.n}.md'))

    def editor_save(self):
        """A story's words saved as editors save: the new text written to a
        file of their own beside it (a name the site skips), then moved
        over it."""
        path = self.rnd.choice(self.records('stories'))
        folder, name = os.path.split(path)
        temp = os.path.join(folder, self.rnd.choice([f'.{name}.swp', f'{name}~', f'#{name}#']))
        self.write(temp, self.read(path) + f'\nSaved by an editor, edit {self.n}.\n')
        os.replace(temp, path)

    def new_dir(self):
        """A new directory with a page in it."""
        folder = os.path.join(self.site, 'content', f'extra-{self.n}')
        os.mkdir(folder)
        self.write(os.path.join(folder, 'page.md'), f'---\ntitle: "Extra page {self.n}"\n---\n\nWords.\n')

    def dir_change(self):
        """One of those directories moved to a new name, or deleted."""
        have = self.files('content/extra-*')
        if not have:
            return False
        gone = self.rnd.choice(have)
        if self.rnd.random() < 0.5:
            os.rename(gone, os.path.join(self.site, 'content', f'extra-{self.n}'))
        else:
            shutil.rmtree(gone)

    def touch(self):
        os.utime(self.rnd.choice([p for p in self.files('content/**/*') if os.path.isfile(p)]))

    def put_back(self):
        path = self.rnd.choice(sorted(self.original))
        self.write(path, self.original[path])

    EDITS = {body: 4, title: 3, quote: 1, date: 2, pathway: 2, stages: 2, skill: 2,
             new_story: 2, new_pathway: 1, remove: 1, draft: 1, yaml_title: 3, definition: 1,
             step_title: 1, wage: 2, partial: 1, template: 1, css: 1, lua: 1, site_yaml: 1,
             picture: 3, root_link: 1, touch: 1, put_back: 3, rename: 1, editor_save: 1,
             new_dir: 1, dir_change: 1}

    def put_back_taken(self):
        """The picture taken away at the last step, back where it was."""
        if self.taken:
            path, data = self.taken
            with open(path, 'wb') as f:
                f.write(data)
            self.taken = None
            self.n += 1
            self.log.append(f'{self.n} picture put back')

    def edit(self):
        kinds, weights = zip(*[(k, w) for k, w in self.EDITS.items()
                               if not (SERVE and k is Walk.touch)])
        while True:
            self.n += 1
            kind = self.rnd.choices(kinds, weights)[0]
            if kind(self) is not False:
                self.log.append(f'{self.n} {kind.__name__}')
                return


def build(site, out, fresh):
    if fresh:
        parent, name = os.path.split(out)
        shutil.rmtree(out, ignore_errors=True)
        for p in glob.glob(os.path.join(parent, f'.waymark-*-{name}*')):
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    r = subprocess.run([WAYMARK, 'build', '-s', site, '-o', out, '--quiet'],
                       capture_output=True, text=True)
    return r.returncode, r.stderr


class Server:
    """`waymark serve` on the walk's site, its output below tmp."""
    RESULT = re.compile(r'^(built|rebuilt) \d+ pages? in \d+ ms \(.*\)$|^\d+ errors?, \d+ warnings?(; serving the last good site)?$')

    def __init__(self, site, tmp):
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'), TMPDIR=tmp)
        self.proc = subprocess.Popen([WAYMARK, 'serve', '-s', site, '-p', '0'], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        self.out, self.said = None, []
        while self.out is None:
            line = self.lines.get(timeout=120)
            if line is None:
                raise RuntimeError('the server stopped:\n' + '\n'.join(self.said))
            self.said.append(line)
            if line.startswith('output in '):
                self.out = line[len('output in '):]

    def read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip('\n'))
        self.lines.put(None)

    def building(self):
        """Whether a build holds the lock beside the output (as each of the
        server's builds does while it runs)."""
        folder, name = os.path.split(self.out)
        with open(os.path.join(folder, f'.waymark-cache-{name}.lock'), 'a') as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
            return False

    def settle(self):
        """The last rebuild's result line and what the server said since the
        last call, once no rebuild has come for a second and none is running
        (edits that reached the server on either side of its wait for a save
        to settle make two, the second up to a build's time later); None
        when none came in 60 s."""
        said, result, wait = [], None, 60
        while True:
            try:
                line = self.lines.get(timeout=wait)
            except queue.Empty:
                if result is None or not self.building():
                    return result, said
                wait = 60
                continue
            if line is None:
                return None, said + ['(the server stopped)']
            said.append(line)
            if self.RESULT.match(line):
                result, wait = line, 1

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return 'killed'


def run(seed, tmp):
    w = Walk(seed, tmp)
    out, ref = os.path.join(tmp, 'out'), os.path.join(tmp, 'fresh')
    server = Server(w.site, tmp) if SERVE else None
    why = None
    try:
        why = walk(w, server, out, ref, tmp)
    finally:
        code = server.stop() if server else 0
    if why is None and code != 0:  # (a sanitizer's report, say)
        said = []
        while not server.lines.empty():
            said.append(server.lines.get() or '')
        why = f'the server exited with status {code} after SIGINT:\n' + '\n'.join(said[-30:])
    return why


def walk(w, server, out, ref, tmp):
    if server:
        out = server.out
        status = 0 if any(line.startswith('built ') for line in server.said) else 1
        err = '\n'.join(server.said)
    else:
        status, err = build(w.site, out, False)
    if status:
        return f'the first build failed:\n{err}'
    built = 0
    for step in range(1, STEPS + 1):
        w.put_back_taken()
        for _ in range(w.rnd.choice([1, 1, 1, 2, 3])):
            w.edit()
        if server:
            result, said = server.settle()
            want = build(w.site, ref, True)
            if result is None:
                return f'step {step} (edits: {", ".join(w.log[-6:])}): no rebuild came:\n' + '\n'.join(said)
            # (it prints a build's diagnostics: only whether it built is compared)
            got = (0, want[1]) if result.startswith('rebuilt ') else ('failed', '\n'.join(said))
            if want[0] != 0 and got[0] != 0:
                got = want
        else:
            got, want = build(w.site, out, False), build(w.site, ref, True)
        why = None
        if got != want:
            why = (f'status {got[0]} and diagnostics:\n{got[1]}\nbut a fresh build: status {want[0]} '
                   f'and diagnostics:\n{want[1]}')
        elif got[0] == 0:
            built += 1
            d = subprocess.run(['diff', '-rq', out, ref], capture_output=True, text=True)
            if d.returncode:
                why = 'the rebuild differs from a fresh build in:\n' + '\n'.join(
                    '    ' + line.replace(tmp + '/', '') for line in d.stdout.splitlines()[:8])
        if why:
            return f'step {step} (edits: {", ".join(w.log[-6:])}): {why}'
    # a walk that only ever failed to build would compare diagnostics alone
    if built < STEPS * 3 // 4:
        return f'only {built} of {STEPS} steps built: the walk makes broken sites'
    return None


def main():
    failed = 0
    for seed in SEEDS:
        with tempfile.TemporaryDirectory() as tmp:
            why = run(seed, tmp)
        mode = 'with hooks' if seed % 2 == 0 else 'plain'
        if why:
            print(f'FAIL rebuilds-random: seed {seed} ({mode}): {why}')
            failed += 1
    print(f'rebuilds-random: {len(SEEDS) - failed} passed, {failed} failed '
          f'({STEPS} steps of random edits a seed, seeds {" ".join(map(str, SEEDS))})')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
