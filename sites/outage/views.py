from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string

# What a request can fail with while the database is down or restarting.
OUTAGE_ERRORS = (OperationalError, InterfaceError)

UNAVAILABLE_FALLBACK = (
    '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Сайт временно недоступен'
    "</title></head><body><h1>Сайт временно недоступен</h1><p>Идут технические работы. "
    "Пожалуйста, повторите попытку через минуту.</p></body></html>"
)


def healthz(request):
    """For the load balancer and the page cache's probe: 200 «ok» when the database answers a
    query, 503 when it doesn't (the cache then serves its stale copies)."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 (whatever stops the check, the answer is "not healthy")
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def unavailable(request=None):
    """The Russian 503 page (templates/503.html: no database, no context processors), with
    `Retry-After`; a fixed page if even that fails."""
    try:
        body = render_to_string("503.html", {"retry_after": settings.OUTAGE_RETRY_AFTER_SECONDS})
    except Exception:  # noqa: BLE001 (the page for an outage must not fail itself)
        body = UNAVAILABLE_FALLBACK
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
