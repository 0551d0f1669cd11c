"""Tests: fast hashing, local memory cache, fixed hostnames. DATABASE_URL picks PostgreSQL."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PLATFORM_BASE_DOMAIN = "localhost"
PLATFORM_SITE_PORT = 80
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver", "127.0.0.1", ".example.org"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = VAR_DIR / "test-media"
WAGTAILADMIN_BASE_URL = "http://localhost"
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = None  # static files come from the finders; nothing is collected in tests
WHITENOISE_USE_FINDERS = True

# SQLite: a file, not memory, so `--reuse-db` skips the migrations on a re-run (CI recreates it).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
