#!/usr/bin/env bash
# The production topology on this machine, without Docker (`make stack`, `make stack-stop`):
#
#   :8080  Varnish (deploy/varnish/profsites.vcl): the page cache, every *.localhost site
#     ├── app    127.0.0.1:8081  gunicorn, production settings (sites.settings.production)
#     └── files  127.0.0.1:8082  nginx (deploy/nginx/files.conf): /static/ and /media/ images
#   PostgreSQL and Redis: the servers already running (DATABASE_URL, REDIS_URL)
#
# Usage: deploy/stack.sh start | stop | status | restart-varnish | restart-app
# Environment (defaults in brackets): STACK_PORT [8080], STACK_APP_PORT [8081],
# STACK_FILES_PORT [8082], STACK_WORKERS [3], STACK_DIR [var/stack],
# DATABASE_URL [postgres://postgres@127.0.0.1:5432/profsites_stack],
# REDIS_URL [redis://127.0.0.1:6379/1], SECRET_KEY [made once into STACK_DIR/secret_key].
# The database is created, migrated and given the demo region if it is empty.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
STACK_DIR="$(realpath -m "${STACK_DIR:-var/stack}")"
PORT="${STACK_PORT:-8080}"
APP_PORT="${STACK_APP_PORT:-8081}"
FILES_PORT="${STACK_FILES_PORT:-8082}"
WORKERS="${STACK_WORKERS:-3}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/profsites_stack}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/1}"
export DJANGO_SETTINGS_MODULE=sites.settings.production
export STATIC_ROOT="$STACK_DIR/static" MEDIA_ROOT="$STACK_DIR/media"
export PLATFORM_BASE_DOMAIN="${PLATFORM_BASE_DOMAIN:-localhost}" PLATFORM_SITE_PORT="$PORT"
export WAGTAILADMIN_BASE_URL="http://$PLATFORM_BASE_DOMAIN:$PORT"
export PAGE_CACHE_PURGE_URLS="http://127.0.0.1:$PORT/"
# The code's version keys the shared cache (pickled objects of another release don't load).
RELEASE="${RELEASE:-$(git rev-parse --short HEAD 2>/dev/null || echo dev)$(git diff --quiet 2>/dev/null || echo -modified)}"
export RELEASE
# Plain HTTP on this machine; behind a TLS terminator in production these stay on.
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
# No mail server here: invitations and reminders go to the app's log.
export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"

log() { printf 'stack: %s\n' "$*"; }

need_packages() {
    local missing=()
    command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || missing+=(varnish)
    [ -e /usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so ] \
        || ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        log "missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
        exit 1
    fi
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }
    # The packages start their own services on the standard ports: not ours, stop them.
    for service in varnish nginx; do
        if command -v service >/dev/null; then service "$service" stop >/dev/null 2>&1 || true; fi
    done
}

secret_key() {
    if [ -z "${SECRET_KEY:-}" ]; then
        [ -s "$STACK_DIR/secret_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$STACK_DIR/secret_key"
        SECRET_KEY="$(cat "$STACK_DIR/secret_key")"
    fi
    export SECRET_KEY
}

database() {
    if [[ "$DATABASE_URL" == postgres* ]]; then
        local name="${DATABASE_URL##*/}" server="${DATABASE_URL%/*}"
        if ! psql "$server/postgres" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
            log "creating database $name"
            psql "$server/postgres" -qc "CREATE DATABASE \"$name\""
        fi
    fi
    "$PY" manage.py relabel_app
    "$PY" manage.py migrate --noinput -v0
    if [ "$("$PY" manage.py shell -c 'from directory.models import Organization; print(Organization.objects.exists())' 2>/dev/null | tail -n 1)" != True ]; then
        log "loading the demo region"
        "$PY" manage.py seed_demo
    fi
    "$PY" manage.py collectstatic --noinput -v0
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
    for _ in $(seq 1 100); do
        port_open "$1" && return 0
        sleep 0.1
    done
    log "nothing answers on port $1" >&2
    return 1
}

start_app() {
    alive "$STACK_DIR/gunicorn.pid" && return 0
    "$ROOT/.venv/bin/gunicorn" sites.wsgi:application \
        --bind "127.0.0.1:$APP_PORT" --workers "$WORKERS" \
        --max-requests 1000 --max-requests-jitter 100 --timeout 30 \
        --pid "$STACK_DIR/gunicorn.pid" --daemon --capture-output \
        --access-logfile "$STACK_DIR/gunicorn-access.log" --error-logfile "$STACK_DIR/gunicorn.log"
    wait_port "$APP_PORT"
}

start_files() {
    alive "$STACK_DIR/nginx.pid" && return 0
    sed -e "s|@FILES_PORT@|$FILES_PORT|g" -e "s|@STATIC_ROOT@|$STATIC_ROOT|g" \
        -e "s|@MEDIA_ROOT@|$MEDIA_ROOT|g" -e "s|@STACK_DIR@|$STACK_DIR|g" \
        deploy/nginx/stack.conf.in >"$STACK_DIR/nginx.conf"
    mkdir -p "$STACK_DIR/nginx" "$MEDIA_ROOT"
    nginx -c "$STACK_DIR/nginx.conf" -p "$STACK_DIR/nginx"
    wait_port "$FILES_PORT"
}

start_varnish() {
    alive "$STACK_DIR/varnish.pid" && return 0
    sed -e "s|@APP_PORT@|$APP_PORT|g" -e "s|@FILES_PORT@|$FILES_PORT|g" \
        -e "s|@BASE_DOMAIN@|$PLATFORM_BASE_DOMAIN|g" deploy/varnish/backends.stack.vcl.in \
        >"$STACK_DIR/backends.vcl"
    chmod 755 "$STACK_DIR"  # Varnish compiles the VCL as its own unprivileged user
    chmod 644 "$STACK_DIR/backends.vcl"
    varnishd -a "127.0.0.1:$PORT" -T 127.0.0.1:0 -n "$STACK_DIR/varnish" \
        -p "vcl_path=$STACK_DIR:$ROOT/deploy/varnish" -f "$ROOT/deploy/varnish/profsites.vcl" \
        -s "malloc,${STACK_CACHE_SIZE:-256m}" -P "$STACK_DIR/varnish.pid"
    wait_port "$PORT"
}

# stop_one NAME [PORT]: stop it and wait until it is gone and (Varnish's child outlives its
# manager for a moment) nothing listens on its port any more.
stop_one() {
    local name="$1" port="${2:-}" pidfile="$STACK_DIR/$1.pid"
    if alive "$pidfile"; then
        kill "$(cat "$pidfile")"
        for _ in $(seq 1 100); do alive "$pidfile" || break; sleep 0.1; done
        log "stopped $name"
    fi
    if [ -n "$port" ]; then
        for _ in $(seq 1 100); do port_open "$port" || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
}

status() {
    for name in varnish gunicorn nginx; do
        if alive "$STACK_DIR/$name.pid"; then echo "$name: running (pid $(cat "$STACK_DIR/$name.pid"))"
        else echo "$name: stopped"; fi
    done
}

case "${1:-start}" in
    start)
        [ -x "$PY" ] || { log "run make install first (.venv is missing)" >&2; exit 1; }
        need_packages
        mkdir -p "$STACK_DIR"
        secret_key
        database
        start_app
        start_files
        start_varnish
        log "up: http://localhost:$PORT/ (every site on *.localhost:$PORT; admin at /admin/)"
        log "logs and state in $STACK_DIR; stop with make stack-stop"
        ;;
    stop)
        stop_one varnish "$PORT"
        stop_one gunicorn "$APP_PORT"
        stop_one nginx "$FILES_PORT"
        ;;
    status) status ;;
    restart-varnish) secret_key; stop_one varnish "$PORT"; start_varnish ;;
    restart-app) secret_key; stop_one gunicorn "$APP_PORT"; start_app ;;
    *) echo "usage: $0 start|stop|status|restart-varnish|restart-app" >&2; exit 2 ;;
esac
