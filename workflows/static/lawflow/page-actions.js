/* Buttons and links that act in the browser, without inline handlers (the Content-Security-Policy refuses
 * onclick="…" and javascript: links, config/settings.py): `data-lf-print` prints the page, `data-lf-back` goes
 * back a page (the form's typed text is kept by the browser). No library. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-lf-print], [data-lf-back]") : null;
    if (!target) {
      return;
    }
    event.preventDefault();
    if (target.hasAttribute("data-lf-print")) {
      window.print();
    } else {
      window.history.back();
    }
  });
})();
