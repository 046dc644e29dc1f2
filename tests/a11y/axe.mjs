// waymark a11y gate: run axe-core on every page of a built site in Chromium.
//
//   node tests/a11y/axe.mjs SITE_DIR
//
// Every *.html file under SITE_DIR is served over http on 127.0.0.1 and
// checked against WCAG 2.0/2.1/2.2 A and AA plus axe's best practices. Any
// violation of any impact fails the page. Each page is also laid out 320 CSS
// pixels wide, checked by axe again (a layout can break only when narrow)
// and failed if it scrolls sideways (WCAG 1.4.10 Reflow). A page that takes
// longer than PAGE_TIMEOUT_MS fails instead of hanging the run.
// A11Y_WORKERS=N sets how many tabs share the pages (default 2).
// Exit status: 0 when every page passes, 1 otherwise.

import { createRequire } from 'node:module';
import { die, htmlPages, launchBrowser, serveDir, siteArg, urlPath } from './lib.mjs';

const TOOL = 'axe';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 320, height: 640 };
const PAGE_TIMEOUT_MS = 60000;

const root = siteArg(TOOL, 'node tests/a11y/axe.mjs SITE_DIR');
let axe;
try {
	axe = createRequire(import.meta.url)('axe-core');
} catch {
	die(TOOL, "axe-core is not installed; run 'make a11y' (it runs npm ci in tests/a11y)");
}

const pages = htmlPages(root);
if (pages.length === 0) die(TOOL, `no *.html pages under '${root}'`);

const server = await serveDir(root);
const browser = await launchBrowser(TOOL, WIDE);
// Injected into every document before it loads: cheaper than evaluating
// axe.source again after each navigation (V8 caches the compiled script).
await browser.context.addInitScript(axe.source);
const failed = [];
let violations = 0;
let reflows = 0;
const review = new Map();	// rule id -> pages where axe could not decide
const report = new Array(pages.length);
const titles = new Array(pages.length);

const clip = (s, n = 160) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

// Check one page in `tab`; returns its list of problems (empty: it passed).
async function check(tab, page, i) {
	const url = urlPath(page);
	const problems = [];
	await tab.setViewportSize(WIDE);
	const resp = await tab.goto(server.base + url, { waitUntil: 'load' });
	if (!resp || resp.status() !== 200) problems.push(`HTTP ${resp ? resp.status() : 'no response'}`);
	titles[i] = await tab.title();

	// axe at both widths: a layout can break only when narrow (a table that
	// starts to scroll, links that wrap too close together). A node that
	// fails the same rule at both widths is reported once.
	const seen = new Set();
	for (const [size, where] of [[WIDE, ''], [NARROW, ' at 320px']]) {
		await tab.setViewportSize(size);
		const result = await tab.evaluate((tags) => window.axe.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations', 'incomplete'],
		}), TAGS);
		for (const v of result.violations) {
			const nodes = v.nodes.filter((n) => !seen.has(v.id + ' ' + n.target.join(' ')));
			if (!nodes.length) continue;
			violations++;
			problems.push(`[${v.impact}] ${v.id}${where}: ${v.help} (${v.helpUrl.replace(/\?.*/, '')})`);
			for (const n of nodes) {
				seen.add(v.id + ' ' + n.target.join(' '));
				problems.push(`    at ${n.target.join(' >> ')}`);
				problems.push(`       ${clip(n.html.replace(/\s+/g, ' '))}`);
			}
		}
		for (const r of result.incomplete) {
			if (!review.has(r.id)) review.set(r.id, new Set());
			review.get(r.id).add(url);
		}
	}

	// Reflow (still 320px wide): only wide tables and code blocks, which
	// scroll inside themselves, may be wider than the viewport.
	const wide = await tab.evaluate(() => {
		const d = document.documentElement;
		if (d.scrollWidth <= d.clientWidth) return null;
		const culprits = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > d.clientWidth + 0.5 && getComputedStyle(el).position !== 'absolute') {
				const id = el.id ? '#' + el.id : '';
				const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
				culprits.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)}px)`);
			}
		}
		return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, culprits: culprits.slice(0, 5) };
	});
	if (wide) {
		reflows++;
		problems.push(`[serious] reflow: page scrolls sideways at 320px (scrollWidth ${wide.scrollWidth} > clientWidth ${wide.clientWidth})`);
		for (const c of wide.culprits) problems.push(`    at ${c}`);
	}
	return problems;
}

// Two tabs share the pages (the machine has two cores); the report is
// printed in page order all the same.
const WORKERS = Number(process.env.A11Y_WORKERS) || 2;
let next = 0;
try {
	await Promise.all(Array.from({ length: WORKERS }, async () => {
		let tab = await browser.context.newPage();
		while (next < pages.length) {
			const i = next++;
			let timer;
			const timeout = new Promise((ok) => { timer = setTimeout(ok, PAGE_TIMEOUT_MS, null); });
			const problems = await Promise.race([
				check(tab, pages[i], i).catch((e) => [`[serious] the check failed: ${String(e.message || e).split('\n')[0]}`]),
				timeout,
			]);
			clearTimeout(timer);
			report[i] = problems || [`[serious] no result after ${PAGE_TIMEOUT_MS / 1000} s (a script that never ends?)`];
			if (!problems) {	// the tab may be stuck: start afresh
				tab.close({ runBeforeUnload: false }).catch(() => {});
				tab = await browser.context.newPage();
			}
		}
	}));
} finally {
	await browser.close();
	await server.close();
}

// A missing file fails the page that asked for it (its Referer); one no
// page asked for (a redirect's target, say) fails the run on its own.
let strays = 0;
for (const m of server.missing) {
	const ref = m.referer ? new URL(m.referer).pathname : '';
	const i = pages.findIndex((p) => urlPath(p) === ref);
	if (i >= 0) {
		report[i].push(`[serious] missing file: ${m.path} (404)`);
	} else {
		strays++;
		console.log(`FAIL ${m.path}: not found (404)`);
	}
}

pages.forEach((page, i) => {
	if (!report[i].length) return;
	failed.push(page);
	console.log(`FAIL ${urlPath(page)}`);
	for (const p of report[i]) console.log(`  ${p}`);
});

// Not failures either, but tabs, history and bookmarks show only the title
// (WCAG 2.4.2): two pages that share one cannot be told apart there.
const byTitle = new Map();
pages.forEach((page, i) => {
	if (!titles[i]) return;
	if (!byTitle.has(titles[i])) byTitle.set(titles[i], []);
	byTitle.get(titles[i]).push(urlPath(page));
});
const shared = [...byTitle].filter(([, urls]) => urls.length > 1);
if (shared.length) {
	console.log('axe: pages sharing a <title> (not failures):');
	for (const [t, urls] of shared) console.log(`  "${t}": ${urls.join(' ')}`);
}
if (review.size) {
	// Not failures: axe could not decide (a background image under text, say).
	console.log('axe: needs a human look (not failures):');
	for (const [id, urls] of review) console.log(`  ${id}: ${urls.size} page(s), e.g. ${[...urls][0]}`);
}
console.log(`axe: ${pages.length} pages, ${violations} violations, ${reflows} reflow failures at 320px`);
console.log(`axe: ${pages.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length || strays ? 1 : 0);
