/* The worksheet's print button: only shown when JavaScript can print. */
(function () {
	"use strict";
	var b = document.querySelector(".print-button");
	if (!b || !window.print) return;
	b.hidden = false;
	b.addEventListener("click", function () { window.print(); });
})();
