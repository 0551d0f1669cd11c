{% autoescape off %}/* Profsites service worker (sites/public/views.py serves it as /sw.js; version {{ version }}).
 *
 * - Pages (HTML, GET): network first; each page read is kept, so the news read last and the
 *   news list stay readable offline. Without network and without a copy: the offline page.
 * - Static files (hashed names) and uploaded images: from the cache once fetched.
 * - Never touched: other origins, anything but GET, the admin, documents, the mode switch.
 */
"use strict";

const VERSION = "{{ version }}";
const STATIC_CACHE = `profsites-static-${VERSION}`;
const PAGES_CACHE = "profsites-pages";
const MEDIA_CACHE = "profsites-media";
const PRECACHE = {{ precache }};
const OFFLINE_URL = {{ offline_url }};
const BYPASS = {{ bypass }};
const STATIC_PREFIX = {{ static_prefix }};
const MEDIA_PREFIX = {{ media_prefix }};
const MAX_PAGES = 60;
const MAX_MEDIA = 60;

self.addEventListener("install", (event) => {
    event.waitUntil(
        caches.open(STATIC_CACHE)
            .then((cache) => cache.addAll(PRECACHE))
            .then(() => self.skipWaiting()),
    );
});

self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches.keys()
            .then((names) => Promise.all(
                names
                    .filter((name) => name.startsWith("profsites-static-") && name !== STATIC_CACHE)
                    .map((name) => caches.delete(name)),
            ))
            .then(() => self.clients.claim()),
    );
});

// Keep a cache to its newest `max` entries (keys() lists them oldest first).
async function trim(cacheName, max) {
    const cache = await caches.open(cacheName);
    const keys = await cache.keys();
    await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((key) => cache.delete(key)));
}

function cacheable(response) {
    return response && response.ok && response.type === "basic"
        && !/no-store|private/.test(response.headers.get("Cache-Control") || "");
}

async function networkFirst(request) {
    try {
        const response = await fetch(request);
        if (cacheable(response)) {
            const cache = await caches.open(PAGES_CACHE);
            await cache.delete(request);  // re-added last: the newest stay when trimming
            await cache.put(request, response.clone());
            trim(PAGES_CACHE, MAX_PAGES);
        }
        return response;
    } catch (error) {
        const cached = await caches.match(request, { ignoreVary: true });
        if (cached) {
            return cached;
        }
        const offline = await caches.match(OFFLINE_URL);
        return offline || Response.error();
    }
}

async function cacheFirst(request, cacheName, max) {
    const cached = await caches.match(request);
    if (cached) {
        return cached;
    }
    const response = await fetch(request);
    if (cacheable(response)) {
        const cache = await caches.open(cacheName);
        await cache.put(request, response.clone());
        if (max) {
            trim(cacheName, max);
        }
    }
    return response;
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET") {
        return;
    }
    const url = new URL(request.url);
    if (url.origin !== self.location.origin || BYPASS.some((prefix) => url.pathname.startsWith(prefix))) {
        return;
    }
    if (request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html")) {
        event.respondWith(networkFirst(request));
    } else if (url.pathname.startsWith(STATIC_PREFIX)) {
        event.respondWith(cacheFirst(request, STATIC_CACHE));
    } else if (url.pathname.startsWith(MEDIA_PREFIX)) {
        event.respondWith(cacheFirst(request, MEDIA_CACHE, MAX_MEDIA));
    }
});
{% endautoescape %}