// waymark a11y gate: walk pages of a built site with the Tab key.
//
//   node tests/a11y/keyboard.mjs SITE_DIR [PAGE...]
//
// PAGEs are paths under SITE_DIR (default: index.html, the first page
// under pathways/, every page with a form control, and a page with a
// <summary>). On each page:
//   - the first Tab stop is a skip link, and pressing Enter on it moves
//     focus to <main> or into it (WCAG 2.4.1);
//   - every Tab stop shows a focus indicator: an outline at least 2px wide
//     that is not 'none', or a box-shadow (2.4.7), and is on screen (2.4.11);
//   - every interactive element (a[href], button, input, select, textarea,
//     [tabindex >= 0]) that is rendered is reached by Tab (2.1.1).
// Exit status: 0 when every page passes, 1 otherwise.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { die, htmlPages, launchBrowser, serveDir, urlPath } from './lib.mjs';

const TOOL = 'keyboard';
const PAGE_TIMEOUT_MS = 60000;
const USAGE = 'node tests/a11y/keyboard.mjs SITE_DIR [PAGE...]';
const dir = process.argv[2];
if (!dir) die(TOOL, `usage: ${USAGE}`);
if (!existsSync(join(dir, 'index.html'))) die(TOOL, `'${dir}' has no index.html; build the site first`);

// The default pages: the home page, one pathway page (breadcrumbs, a table
// of contents and a chart's <details> as well as the header and footer),
// every page with a form control (search, the plan worksheet), where
// keyboard access matters most, and the first page with a <summary> when
// none of those has one.
function defaultPages() {
	const pages = ['index.html'];
	const pw = join(dir, 'pathways');
	const first = existsSync(pw)
		? readdirSync(pw, { withFileTypes: true })
			.filter((e) => e.isDirectory() && existsSync(join(pw, e.name, 'index.html')))
			.map((e) => e.name).sort()[0]
		: undefined;
	if (!first) die(TOOL, `no page under '${pw}'; name a page to check instead: ${USAGE}`);
	pages.push(`pathways/${first}/index.html`);
	const text = (p) => readFileSync(join(dir, p), 'utf8');
	const all = htmlPages(dir);
	for (const p of all) {
		if (!pages.includes(p) && /<(input|select|textarea|button)\b/i.test(text(p))) pages.push(p);
	}
	if (!pages.some((p) => /<summary\b/i.test(text(p)))) {
		const p = all.find((q) => /<summary\b/i.test(text(q)));
		if (p) pages.push(p);
	}
	return pages;
}
const pages = process.argv.length > 3 ? process.argv.slice(3) : defaultPages();
for (const p of pages) if (!existsSync(join(dir, p))) die(TOOL, `'${join(dir, p)}' not found`);

// In the page: mark every rendered interactive element with
// data-kb-index so Tab stops can be matched to them; return their names.
function markInteractive() {
	const sel = 'a[href], area[href], button, input, select, textarea, summary, [tabindex], [contenteditable=""], [contenteditable="true"]';
	const describe = (el) => {
		let s = el.tagName.toLowerCase();
		if (el.id) s += '#' + el.id;
		if (el.classList.length) s += '.' + [...el.classList].join('.');
		const href = el.getAttribute('href');
		if (href) s += `[href="${href}"]`;
		const text = (el.textContent || el.value || '').replace(/\s+/g, ' ').trim();
		if (text) s += ` "${text.slice(0, 40)}"`;
		return s;
	};
	const out = [];
	for (const el of document.querySelectorAll(sel)) {
		if (el.hasAttribute('tabindex') && el.tabIndex < 0) continue;
		if (el.disabled || el.closest('[inert]')) continue;
		if (el.type === 'hidden') continue;
		if (el.tagName === 'SUMMARY' && el.parentElement.tagName !== 'DETAILS') continue;
		// Not rendered (display:none, visibility:hidden, a closed <details>):
		// nobody can reach it, and nobody should.
		if (!el.checkVisibility({ visibilityProperty: true })) continue;
		el.dataset.kbIndex = String(out.length);
		out.push(describe(el));
	}
	return out;
}

// In the page: facts about the element that has focus now.
function focusFacts() {
	const el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement) return null;
	const cs = getComputedStyle(el);
	const r = el.getBoundingClientRect();
	let s = el.tagName.toLowerCase();
	if (el.id) s += '#' + el.id;
	if (el.classList.length) s += '.' + [...el.classList].join('.');
	const href = el.getAttribute('href');
	if (href) s += `[href="${href}"]`;
	return {
		index: el.dataset.kbIndex ?? null,
		name: s,
		tag: el.tagName,
		href,
		skipText: (el.textContent || '').trim(),
		outlineStyle: cs.outlineStyle,
		outlineWidth: parseFloat(cs.outlineWidth) || 0,
		boxShadow: cs.boxShadow,
		onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
			&& r.top < innerHeight && r.left < innerWidth,
	};
}

// In the page: is focus on <main> or inside it?
function focusInMain() {
	const el = document.activeElement;
	const main = document.querySelector('main');
	return !!(main && el && (el === main || main.contains(el)));
}

const server = await serveDir(dir);
const browser = await launchBrowser(TOOL);
const tab = await browser.context.newPage();
let failed = 0;

try {
	for (const page of pages) {
		const url = server.base + urlPath(page);
		const problems = [];
		// A page whose script never ends must fail the run, not hang it
		// (Playwright kills the browser when the process exits).
		const watchdog = setTimeout(() => {
			console.log(`FAIL ${urlPath(page)}: no result after ${PAGE_TIMEOUT_MS / 1000} s (a script that never ends?)`);
			console.log(`keyboard: ${pages.indexOf(page) - failed} passed, ${failed + 1} failed`);
			process.exit(1);
		}, PAGE_TIMEOUT_MS);

		// 1. The skip link: first stop, and Enter moves focus into <main>.
		await tab.goto(url, { waitUntil: 'load' });
		await tab.keyboard.press('Tab');
		const first = await tab.evaluate(focusFacts);
		if (!first) {
			problems.push('the first Tab stop is nothing: no element took focus');
		} else if (first.tag !== 'A' || !first.href || !first.href.startsWith('#')) {
			problems.push(`the first Tab stop is ${first.name}, not a skip link (an <a href="#…">)`);
		} else {
			await tab.keyboard.press('Enter');
			if (!(await tab.evaluate(focusInMain))) {
				const now = await tab.evaluate(focusFacts);
				problems.push(`activating the skip link ${first.name} "${first.skipText}" leaves focus on ${now ? now.name : 'the body'}, not in <main>`);
			}
		}

		// 2. Tab through the whole page from the top.
		await tab.goto(url, { waitUntil: 'load' });
		const interactive = await tab.evaluate(markInteractive);
		const reached = new Set();
		let stops = 0;
		let firstName = null;
		const limit = interactive.length + 20;
		for (let i = 0; i < limit; i++) {
			await tab.keyboard.press('Tab');
			const f = await tab.evaluate(focusFacts);
			if (!f) {
				if (i === 0) continue;
				break;				// past the last stop: focus left the page
			}
			const key = f.index ?? f.name;
			if (firstName === null) firstName = key;
			else if (key === firstName) break;	// wrapped around
			stops++;
			if (f.index !== null) reached.add(f.index);
			const outline = f.outlineStyle !== 'none' && f.outlineWidth >= 2;
			const shadow = f.boxShadow && f.boxShadow !== 'none';
			if (!outline && !shadow) {
				problems.push(`no visible focus indicator on ${f.name} (outline ${f.outlineStyle} ${f.outlineWidth}px, box-shadow ${f.boxShadow})`);
			}
			if (!f.onScreen) problems.push(`${f.name} has focus but is not on screen`);
		}
		interactive.forEach((name, i) => {
			if (!reached.has(String(i))) problems.push(`never reached by Tab: ${name}`);
		});

		const label = `${urlPath(page)} (${stops} Tab stops, ${interactive.length} interactive elements)`;
		if (problems.length) {
			failed++;
			console.log(`FAIL ${label}`);
			for (const p of problems) console.log(`  ${p}`);
		} else {
			console.log(`ok   ${label}`);
		}
		clearTimeout(watchdog);
	}
} finally {
	await browser.close();
	await server.close();
}

console.log(`keyboard: ${pages.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
