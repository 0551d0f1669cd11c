# Production image: gunicorn + whitenoise serving every organization's site.
#   docker build -t profsites .
#   docker run --env-file profsites.env profsites sh -c "python manage.py relabel_app && python manage.py migrate --noinput"
#   docker run --env-file profsites.env -p 8000:8000 -v profsites-media:/app/var/media profsites
# README.md ("Production") lists the environment variables.

ARG PYTHON_VERSION=3.11

# --- builder: the pinned runtime requirements (never the dev ones) in a venv of their own.
FROM python:${PYTHON_VERSION}-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /venv \
    && /venv/bin/pip install --upgrade pip
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install -r /tmp/requirements.txt


# --- final: the venv and the code, run as an unprivileged user.
FROM python:${PYTHON_VERSION}-slim

# pg_dump and pg_restore for `manage.py backup` and `restore` (the same major version as the
# server, or newer); Pango and a Cyrillic font for the public reports' PDFs (WeasyPrint).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ARG UID=1000
ARG GID=1000

ENV PATH=/venv/bin:$PATH \
    VIRTUAL_ENV=/venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=sites.settings.production \
    STATIC_ROOT=/app/static-collected \
    PORT=8000 \
    WEB_CONCURRENCY=3

# A home of its own: gunicorn puts its control socket in ~/.gunicorn.
RUN groupadd --gid "$GID" profsites \
    && useradd --uid "$UID" --gid profsites --create-home --shell /usr/sbin/nologin profsites

COPY --from=builder /venv /venv
WORKDIR /app
COPY . /app

# Static files are collected into the image (whitenoise serves them); the secret key here is a
# build-time placeholder only: production settings refuse to start without a real one.
RUN SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R profsites:profsites /app/var

USER profsites
EXPOSE 8000

# /healthz/ is exempt from the HTTPS redirect; the Host header must be an allowed host.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:%s/healthz/' % os.environ.get('PORT', '8000'), headers={'Host': os.environ.get('PLATFORM_BASE_DOMAIN', 'localhost')}), timeout=4)"]

# gunicorn binds 0.0.0.0:$PORT and starts $WEB_CONCURRENCY workers (both read from the
# environment); workers are recycled after ~1000 requests, jittered so they don't restart together.
CMD ["gunicorn", "sites.wsgi:application", \
     "--max-requests", "1000", "--max-requests-jitter", "100", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
