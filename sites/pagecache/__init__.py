"""The page cache for readers (Varnish, deploy/varnish/): which answers it may keep, the cache
tags every answer carries, and the precise purge of exactly the answers a change shows in.

- `tags.py`: the tag vocabulary, the tags of an answer and the tags a change purges;
- `middleware.py`: marks anonymous public answers cacheable and writes their tags (`xkey`);
- `signals.py`: what purges what (publish, unpublish, move, delete, registry, branding, sites);
- `purge.py`: after the transaction commits, a row in `PendingPurge` and a background sender
  that tells every configured cache, retried until it answers; the editor never waits.
"""
