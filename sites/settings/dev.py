"""Development: debug on, a throwaway key, e-mail to the console, sites on *.localhost:8000."""

import os

os.environ.setdefault("PLATFORM_SITE_PORT", "8000")

from .base import *  # noqa: E402

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")  # noqa: S105
PLATFORM_SITE_PORT = int(env("PLATFORM_SITE_PORT"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", ".localhost", "127.0.0.1"])
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
STATIC_ROOT = None  # runserver serves static files from the apps and static/
WHITENOISE_USE_FINDERS = True
