# The page cache for readers (Varnish 7 with varnish-modules' xkey), in front of the app.
#
# - Kept: anonymous GET/HEAD answers the app marks `public, s-maxage` (sites/pagecache/
#   middleware.py), static files and media. Never: a request with a session, the admin (and
#   its previews), documents (Wagtail checks rights on each), POSTs, answers that set a cookie.
# - One cookie splits the cache: the accessibility mode's (`a11y`, its value validated); the
#   others are dropped from cacheable requests.
# - Purged by tag: the app sends `PURGE` with `xkey-purge: <tags>` after each change commits;
#   that is a soft purge: the purged copy is served only while its renewal is being fetched
#   (well under a second), and stays as the last good copy for an outage.
# - Stale rather than broken: while the app is sick (its /healthz/ probe fails: the database is
#   down) or an answer fails with 5xx, the last good copy is served (up to a day old).
#
# The backends, their probe and who may purge are in backends.vcl, one per install: `make
# stack` writes its own (deploy/stack.sh); deploy/varnish/backends.compose.vcl is the one for
# deploy/compose.yaml.
vcl 4.1;

import std;
import xkey;

include "backends.vcl";

sub vcl_recv {
    if (req.restarts == 0) {
        unset req.http.X-Stale-If-Error;
        unset req.http.X-Cacheable;
        unset req.http.X-A11y;
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        if (req.http.xkey-purge-mode == "hard") {  # gone for good, no stale copy kept
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } else {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-purge);
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.http.host) {
        set req.http.host = std.tolower(req.http.host);
    }

    if (req.url ~ "^/(static|media)/") {
        set req.backend_hint = files;
        unset req.http.Cookie;
        if (req.method != "GET" && req.method != "HEAD") {
            return (synth(405, "Method Not Allowed"));
        }
        return (hash);
    }
    set req.backend_hint = app;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|documents|account|a11y|healthz|_util|django-admin)(/|\?|$)") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)a11y=(normal|large|xlarge)\.(bw|wb|blue)\.(on|off)(;|$)") {
        set req.http.X-A11y = regsub(req.http.Cookie,
            "^(.*;\s*)?a11y=((normal|large|xlarge)\.(bw|wb|blue)\.(on|off))(;.*)?$", "\2");
        set req.http.Cookie = "a11y=" + req.http.X-A11y;
    } else {
        unset req.http.Cookie;
    }
    # Tracking parameters don't make another page.
    if (req.url ~ "[?&](utm_[a-z]+|yclid|gclid|fbclid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|yclid|gclid|fbclid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    set req.http.X-Cacheable = "1";
    if (req.http.X-Stale-If-Error || !std.healthy(req.backend_hint)) {
        set req.grace = 24h;  # the app can't answer: the last good copy
    } else {
        # The app answers: a copy purged (or expired) in the last 10 s is served once more
        # while a background fetch renews it (a fraction of a second), so readers never queue
        # behind a page an editor keeps publishing; after that, it is fetched before serving.
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    hash_data(req.http.X-Forwarded-Proto);
    if (req.http.X-A11y) {
        hash_data(req.http.X-A11y);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        if (bereq.uncacheable) {
            return (deliver);  # a pass (the admin): the app's own answer, its 503 page
        }
        # Never let an error replace the copy we have: the reader's request is retried with
        # the last good copy (vcl_synth).
        return (abandon);
    }
    if (bereq.url ~ "^/(static|media)/") {
        unset beresp.http.Set-Cookie;
        if (beresp.ttl <= 0s) {
            set beresp.ttl = 1h;
        }
        set beresp.grace = 24h;
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "s-maxage"
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;  # asked again each time for two minutes
        return (deliver);
    }
    set beresp.grace = 24h;
    set beresp.keep = 0s;
    return (deliver);
}

sub vcl_backend_error {
    # The backend did not answer: as for a 5xx, a reader's request is retried with the last
    # good copy, and whoever gets nothing gets the Russian page (vcl_synth).
    return (abandon);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    if (req.http.X-Stale-If-Error || (obj.ttl <= 0s && obj.hits > 0)) {
        set resp.http.X-Cache = "STALE";
    }
    # Browsers keep nothing of a page: they ask again (a purge reaches them at once).
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = "no-cache";
    }
}

sub vcl_synth {
    if (resp.status == 503 && req.http.X-Cacheable && !req.http.X-Stale-If-Error) {
        set req.http.X-Stale-If-Error = "1";  # once more, taking the last good copy if any
        return (restart);
    }
    if (resp.status == 503) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Retry-After = "30";
        set resp.http.Cache-Control = "no-store";
        synthetic({"<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="30"><title>Сайт временно недоступен</title></head><body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem"><h1>Сайт временно недоступен</h1><p>Идут технические работы. Ничего из сохранённого не потеряно.</p><p>Страница обновится сама через 30 с.</p></body></html>"});
        return (deliver);
    }
}
