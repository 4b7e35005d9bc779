/* A form marked `data-lf-once` is sent once: on submit its submit buttons are disabled and say so, so a second tap
 * on a slow phone connection does not send the decision again (the server also refuses a second use of the
 * form's one-time token, cases.pages.OnTheSpotView). No CDN, no library. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-lf-once")) {
      return;
    }
    if (form.getAttribute("data-lf-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-lf-sent", "1");
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
  }, true);
})();
