"""What readers, editors and the load balancer get while a server behind the app is down:
`/healthz/` says whether the database answers; an answer that fails for a database outage is a
Russian 503 page with `Retry-After` (never a traceback; the page cache then serves its last
good copy); Redis down is a cache miss (`cache.ForgivingRedisCache`), not an error."""
