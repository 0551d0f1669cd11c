/* The accessibility mode's settings panel without a page load: font size and colours change
 * at once (the links work without JavaScript too: /a11y/ sets the same cookie and comes back).
 * The cookie holds "size.scheme.images", as sites/public/views.py reads it. */
"use strict";

(() => {
    const root = document.documentElement;
    const COOKIE = "a11y";
    const YEAR = 365 * 24 * 60 * 60;

    function current() {
        const match = document.cookie.match(/(?:^|;\s*)a11y=([a-z]+)\.([a-z]+)\.([a-z]+)/);
        return match ? { size: match[1], scheme: match[2], images: match[3] } : null;
    }

    document.addEventListener("click", (event) => {
        const link = event.target.closest("a[data-a11y-setting]");
        const mode = current();
        if (!link || !mode || !root.classList.contains("a11y")) {
            return;  // not a setting, or the mode is off: let the link do it on the server
        }
        const setting = link.dataset.a11ySetting;
        const value = link.dataset.a11yValue;
        event.preventDefault();
        root.classList.remove(`a11y--${setting}-${mode[setting]}`);
        root.classList.add(`a11y--${setting}-${value}`);
        mode[setting] = value;
        const secure = window.location.protocol === "https:" ? "; secure" : "";
        document.cookie = `${COOKIE}=${mode.size}.${mode.scheme}.${mode.images}; path=/; max-age=${YEAR}; samesite=lax${secure}`;
        document.querySelectorAll(`a[data-a11y-setting="${setting}"]`).forEach((other) => {
            if (other === link) {
                other.setAttribute("aria-current", "true");
            } else {
                other.removeAttribute("aria-current");
            }
        });
    });
})();
