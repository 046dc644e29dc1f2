/* waymark search: results as you type, from search-index.json. Without
 * JavaScript the page lists the site's pages instead (50 of each kind, and
 * a link to the rest); this only adds to it. */
(function () {
	"use strict";
	var form = document.querySelector(".search-form");
	if (!form || !window.fetch) return;
	var input = document.getElementById("search-q");
	var list = document.getElementById("search-results");
	var status = document.getElementById("search-status");
	var all = document.getElementById("search-all");
	var index = null, timer = 0;
	var QUOTES = /["\u201c\u201d\u201e]/g; /* quotation marks, however typed */

	/* Lower case, without accents, and one apostrophe however it was
	 * typed: phones put in a curly one (driver\u2019s), other keyboards a
	 * straight one, and a page may have either. Quotation marks are
	 * dropped: the words inside them are searched for. */
	function fold(s) {
		return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
			.replace(/[\u2018\u2019\u02bc\u2032]/g, "'").replace(QUOTES, "");
	}
	function show(q) {
		var words = fold(q).split(/\s+/).filter(Boolean), hits = [];
		list.textContent = "";
		if (!words.length) {
			list.hidden = true;
			all.hidden = false;
			status.textContent = "";
			return;
		}
		index.forEach(function (f) {
			var score = 0;
			for (var i = 0; i < words.length; i++) {
				if (f.title.indexOf(words[i]) >= 0) score += 3;
				else if (f.rest.indexOf(words[i]) >= 0) score += 1;
				else return;
			}
			hits.push([score, f.e]);
		});
		hits.sort(function (a, b) { return b[0] - a[0]; });
		hits.slice(0, 50).forEach(function (h) {
			var e = h[1], li = document.createElement("li"), a = document.createElement("a");
			a.href = e.u;
			a.textContent = e.t;
			li.appendChild(a);
			var k = document.createElement("span");
			k.className = "meta";
			k.textContent = " " + e.k;
			li.appendChild(k);
			if (e.s) {
				var p = document.createElement("p");
				p.textContent = e.s;
				li.appendChild(p);
			}
			list.appendChild(li);
		});
		list.hidden = hits.length === 0;
		all.hidden = true;
		q = q.replace(QUOTES, ""); /* (put in quotation marks below) */
		status.textContent = hits.length === 0 ? "No pages match \u201c" + q + "\u201d."
			: hits.length + (hits.length === 1 ? " page matches" : " pages match") +
			  " \u201c" + q + "\u201d" + (hits.length > 50 ? "; showing the first 50." : ".");
	}
	function search() {
		var q = input.value.trim();
		if (index) { show(q); return; }
		fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); })
			.then(function (data) {
				/* folded once, not at every key: on a large site and a
				 * slow phone, folding every page's words took longer
				 * than a key press */
				index = data.map(function (e) {
					return { e: e, title: fold(e.t), rest: fold([e.s, e.x, e.k].join(" ")) };
				});
				show(input.value.trim());
			})
			.catch(function () { status.textContent = "Search is not available right now; every page is listed below."; });
	}
	input.addEventListener("input", function () {
		clearTimeout(timer);
		timer = setTimeout(search, 150);
	});
	form.addEventListener("submit", function (ev) { ev.preventDefault(); search(); });
	var q = new URLSearchParams(location.search).get("q");
	if (q) { input.value = q; search(); }
})();
