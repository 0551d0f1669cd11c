/* Registers the site's service worker (/sw.js: offline reading of the pages visited). */
"use strict";

if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => {
        navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
            // No offline reading then (private mode, an old browser): the site works as before.
        });
    });
}
