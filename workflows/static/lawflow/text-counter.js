/* A visible character counter beside bounded text areas (issue 10: a large paste loses nothing).
 *
 * The forms (workflows/text_limits.py) give each bounded textarea `maxlength` and `data-lf-counter="LIMIT"`.
 * viewflow renders a textarea as <vf-field-textarea ...> and builds the real <textarea> inside it when the
 * element is upgraded, without passing `maxlength` on; so this script finds the host, waits for its textarea,
 * sets `maxLength` on it (the browser then stops typing and pasting at the limit) and shows "n / LIMIT" under
 * it, amber near the limit. Plain Django <textarea data-lf-counter> elements get the same. No CDN, no library.
 */
(function () {
  "use strict";

  function wire(host) {
    var limit = parseInt(host.getAttribute("data-lf-counter"), 10);
    var area = host.tagName === "TEXTAREA" ? host : host.querySelector("textarea");
    if (!area || !limit || area.getAttribute("data-lf-counted")) {
      return Boolean(area);
    }
    area.setAttribute("data-lf-counted", "1");
    area.maxLength = limit;
    var counter = document.createElement("div");
    counter.className = "lf-counter";
    counter.setAttribute("aria-live", "polite");
    counter.style.cssText = "text-align:right;font-size:12px;color:rgba(0,0,0,.6);padding:2px 16px 0;";
    var update = function () {
      var used = area.value.length;
      counter.textContent = used + " / " + limit;
      counter.style.color = used >= limit ? "#c62828" : (used > limit * 0.9 ? "#e65100" : "rgba(0,0,0,.6)");
    };
    area.addEventListener("input", update);
    (host.tagName === "TEXTAREA" ? host.parentNode : host).appendChild(counter);
    update();
    return true;
  }

  function scan() {
    var hosts = document.querySelectorAll("[data-lf-counter]");
    for (var i = 0; i < hosts.length; i++) {
      if (!wire(hosts[i])) {
        // The custom element has not built its textarea yet: wire it as soon as it has.
        (function (host) {
          var observer = new MutationObserver(function () {
            if (wire(host)) { observer.disconnect(); }
          });
          observer.observe(host, {childList: true, subtree: true});
        })(hosts[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
