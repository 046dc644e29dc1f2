// waymark a11y gate: what axe.mjs and keyboard.mjs share. A static file
// server for a built site, the list of its pages, and Debian's Chromium
// launched offline (see shared/NOTES.md, "Testing pages in a real browser").

import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';

export const CHROMIUM = process.env.A11Y_CHROMIUM || '/usr/bin/chromium';

// Flags measured in NOTES.md: quiet, and no network except 127.0.0.1.
// --headless is set by Playwright's own `headless: true`.
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.json': 'application/json',
	'.xml': 'application/xml',
	'.txt': 'text/plain; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.gif': 'image/gif',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2',
	'.pdf': 'application/pdf',
};

// Fail with a message and exit status 1; the caller's name leads the line.
export function die(tool, msg) {
	console.error(`${tool}: ${msg}`);
	process.exit(1);
}

// Every *.html file under `root`, as sorted paths relative to it, '/'-separated.
export function htmlPages(root) {
	const out = [];
	const walk = (dir) => {
		for (const ent of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, ent.name);
			if (ent.isDirectory()) walk(p);
			else if (ent.isFile() && ent.name.endsWith('.html')) out.push(relative(root, p).split(sep).join('/'));
		}
	};
	walk(root);
	return out.sort();
}

// The URL path a page is served at: a/index.html -> /a/, a/b.html -> /a/b.html.
export function urlPath(page) {
	if (page === 'index.html') return '/';
	if (page.endsWith('/index.html')) return '/' + page.slice(0, -'index.html'.length);
	return '/' + page;
}

// Serve `root` on 127.0.0.1 at a free port. /x/ maps to x/index.html and /x
// redirects to /x/ when x is a directory, as a static host would. Every
// request that ends in 404 is recorded in `server.missing`, so a page whose
// stylesheet is missing fails instead of being checked unstyled.
export async function serveDir(root) {
	root = resolve(root);
	const missing = [];
	const server = createServer(async (req, res) => {
		let path;
		try {
			path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
		} catch {
			res.writeHead(400).end();
			return;
		}
		let file = resolve(root, '.' + path);
		if (file !== root && !file.startsWith(root + sep)) {
			res.writeHead(403).end();
			return;
		}
		try {
			if (statSync(file).isDirectory()) {
				if (!path.endsWith('/')) {
					res.writeHead(301, { Location: path + '/' }).end();
					return;
				}
				file = join(file, 'index.html');
			}
			const body = await readFile(file);
			res.writeHead(200, {
				'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
				'Cache-Control': 'no-store',
			});
			res.end(body);
		} catch {
			missing.push({ path, referer: req.headers.referer || '' });
			res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
		}
	});
	await new Promise((ok, fail) => {
		server.once('error', fail);
		server.listen(0, '127.0.0.1', ok);
	});
	const base = `http://127.0.0.1:${server.address().port}`;
	return {
		base,
		missing,
		close: () => new Promise((ok) => server.close(ok)),
	};
}

// Launch Chromium with a throw-away profile. Returns { context, close }.
// Only requests to 127.0.0.1 are let through, so a page that reaches out to
// the network cannot make the run slow or flaky.
export async function launchBrowser(tool, viewport = { width: 1280, height: 800 }) {
	if (!existsSync(CHROMIUM)) {
		console.error(`${tool}: '${CHROMIUM}' not found; as root run:`);
		console.error('  apt-get install -y --no-install-recommends chromium');
		process.exit(1);
	}
	let chromium;
	try {
		({ chromium } = await import('playwright-core'));
	} catch {
		die(tool, "playwright-core is not installed; run 'make a11y' (it runs npm ci in tests/a11y)");
	}
	const profile = mkdtempSync(join(tmpdir(), 'waymark-a11y-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport,
		reducedMotion: 'reduce',
	});
	await context.route('**/*', (route) => {
		const u = new URL(route.request().url());
		if (u.protocol === 'data:' || u.hostname === '127.0.0.1') return route.continue();
		return route.abort('blockedbyclient');
	});
	return {
		context,
		close: async () => {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

// The site directory from argv, checked; `usage` is printed otherwise.
export function siteArg(tool, usage) {
	const dir = process.argv[2];
	if (!dir || process.argv.length > 3) die(tool, `usage: ${usage}`);
	if (!existsSync(join(dir, 'index.html'))) die(tool, `'${dir}' has no index.html; build the site first`);
	return resolve(dir);
}
