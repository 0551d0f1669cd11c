// The Yandex Metrica counter, only after the visitor agreed in the cookie notice
// (templates/privacy/cookie_notice.html). The choice is kept in this browser only.
(function () {
  "use strict";
  var KEY = "profsites-metrica";
  var notice = document.querySelector(".cookie-notice[data-metrica]");
  if (!notice) return;
  var counter = notice.getAttribute("data-metrica");
  if (!/^[0-9]{1,12}$/.test(counter)) return;

  function load() {
    window.ym = window.ym || function () { (window.ym.a = window.ym.a || []).push(arguments); };
    window.ym.l = Date.now();
    var script = document.createElement("script");
    script.async = true;
    script.src = "https://mc.yandex.ru/metrika/tag.js";
    document.head.appendChild(script);
    window.ym(Number(counter), "init", { clickmap: false, trackLinks: true, accurateTrackBounce: true });
  }

  var choice = null;
  try { choice = window.localStorage.getItem(KEY); } catch (e) { /* storage off: ask */ }
  if (choice === "yes") { load(); return; }
  if (choice === "no") return;
  notice.hidden = false;
  notice.addEventListener("click", function (event) {
    var button = event.target.closest("[data-cookie-choice]");
    if (!button) return;
    var answer = button.getAttribute("data-cookie-choice");
    try { window.localStorage.setItem(KEY, answer); } catch (e) { /* not kept */ }
    notice.hidden = true;
    if (answer === "yes") load();
  });
})();
