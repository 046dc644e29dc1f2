// waymark search gate: what a worker types into the search page finds what
// the pages say, however the phone's keyboard wrote it.
//
//   node tests/a11y/search.mjs SITE_DIR [@PAGE] QUERY=URL...
//
// Each QUERY=URL opens search/?q=QUERY and expects a result linking to URL
// (a path such as /pathways/cdl-driver/); QUERY=- expects no result and the
// page saying so. After @PAGE (404.html, say) the queries after it are
// typed into PAGE's search box and sent with Enter instead. The results
// come from search-index.json through search.js, in Chromium, as a worker
// gets them.
// Exit status: 0 when every query gets what it expects, 1 otherwise.

import { die, launchBrowser, serveDir } from './lib.mjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const TOOL = 'search';
const USAGE = 'node tests/a11y/search.mjs SITE_DIR [@PAGE] QUERY=URL...';
const dir = process.argv[2];
const wants = process.argv.slice(3);
if (!dir || !wants.length) die(TOOL, `usage: ${USAGE}`);
if (!existsSync(join(dir, 'search', 'index.html'))) die(TOOL, `'${dir}' has no search/index.html; build the site first`);

const server = await serveDir(dir);
const browser = await launchBrowser(TOOL);
let failed = 0;
try {
	const page = await browser.context.newPage();
	let from = null; // the page whose search box the queries are typed into
	for (const want of wants) {
		if (want.startsWith('@')) {
			from = want.slice(1);
			if (!existsSync(join(dir, from))) die(TOOL, `'${join(dir, from)}' not found`);
			continue;
		}
		const at = want.lastIndexOf('=');
		if (at < 1) die(TOOL, `'${want}' is not QUERY=URL; usage: ${USAGE}`);
		const query = want.slice(0, at), url = want.slice(at + 1);
		if (from) {
			await page.goto(`${server.base}/${from}`);
			await page.locator('input[type=search]').fill(query);
			await Promise.all([page.waitForURL(/\/search\/\?q=/), page.keyboard.press('Enter')]);
		} else {
			await page.goto(`${server.base}/search/?q=${encodeURIComponent(query)}`);
		}
		// search.js fills the status line once the index has loaded
		const status = page.locator('#search-status');
		try {
			await status.filter({ hasText: /match/ }).waitFor({ timeout: 15000 });
		} catch {
			console.log(`FAIL ${TOOL}: '${query}': no answer on the page (status: '${await status.textContent()}')`);
			failed++;
			continue;
		}
		const links = await page.locator('#search-results a').evaluateAll(
			(as) => as.map((a) => new URL(a.href).pathname));
		const said = (await status.textContent()).trim();
		const ok = url === '-' ? links.length === 0 && /^No pages match/.test(said) : links.includes(url);
		if (ok) {
			console.log(`ok ${TOOL}: '${query}': ${url === '-' ? 'nothing, and it says so' : url} (${said})`);
		} else {
			console.log(`FAIL ${TOOL}: '${query}': expected ${url === '-' ? 'no result' : url}; got ${links.length} result(s): ${links.slice(0, 5).join(' ')} (${said})`);
			failed++;
		}
	}
} finally {
	await browser.close();
	await server.close();
}
if (server.missing.length) {
	for (const m of server.missing) console.log(`FAIL ${TOOL}: ${m.path} not found (asked for by ${m.referer || 'the test'})`);
	failed++;
}
console.log(`${TOOL}: ${wants.filter((w) => !w.startsWith('@')).length} queries, ${failed} failed`);
process.exit(failed ? 1 : 0);
