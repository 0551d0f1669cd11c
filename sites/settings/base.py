"""Base settings: secure by default. `dev`, `test` and `production` build on this module.

Every value that differs between installs is read from the environment here, in one place;
README.md has the table of variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("PROFSITES_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")  # production.py refuses to start without it

# Hostnames: the regional site lives on the base domain, every other one on <slug>.<base>.
PLATFORM_BASE_DOMAIN = env("PLATFORM_BASE_DOMAIN", "localhost")
# Port written into Wagtail `Site` records, so links between sites carry it (80/443 in production).
PLATFORM_SITE_PORT = int(env("PLATFORM_SITE_PORT", "443"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [PLATFORM_BASE_DOMAIN, "." + PLATFORM_BASE_DOMAIN])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "news",
    "reports",
    "directory",
    "privacy",
    "webforms",
    "membership",
    "events",
    "newsletters",
    "partners",
    "library",
    "sites",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "sites.apps.UsersConfig",  # wagtail.users with the scoped user views (sites/accounts/)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Two-factor sign-in to the admin (sites/accounts/twofactor.py): app codes and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Login throttling (django-axes): failed sign-ins lock the account and the address.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Marks anonymous public answers cacheable, with their cache tags (sites/pagecache/): first,
    # so that it sees every cookie the others set.
    "sites.pagecache.middleware.PageCacheMiddleware",
    "sites.isolation.odd_input.RejectControlCharacters",  # 400 for NUL/control characters
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The request's site from the cache, not a query (sites/public/hostnames.py).
    "sites.public.hostnames.SiteByHostnameMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp: request.user.is_verified() from the session; must follow authentication.
    "django_otp.middleware.OTPMiddleware",
    # The admin sends whoever owes the second factor to its code or set-up page.
    "sites.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # wagtail-localize's views check no object rights: editors translate only their own pages.
    "sites.isolation.translations.TranslationViewsGuard",
    # Wagtail's workflow views name any page they are given: only for its editors and reviewers.
    "sites.isolation.workflows.WorkflowViewsGuard",
    # The visitor's «версия для слабовидящих» from its cookie (sites/public/views.py).
    "sites.public.views.AccessibilityModeMiddleware",
    # django-axes: answers a locked-out sign-in with its lockout page; must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sites.urls"
WSGI_APPLICATION = "sites.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "directory.chrome.organization",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_JIT_OFF", True):
    # PostgreSQL compiles a query whose estimated cost passes `jit_above_cost`: the listings'
    # view-restriction anti-joins pass it as the network grows, and at 8,000 sites compiling
    # the regional flow took 25-350 ms for a query that runs in 3. Behind PgBouncer (which
    # refuses startup options unless `ignore_startup_parameters = options`) set DB_JIT_OFF=false
    # and `ALTER DATABASE … SET jit = off` instead.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several connections write (gunicorn workers, the page cache's purge sender): a transaction
    # takes the write lock when it begins, so two never deadlock upgrading their locks, and a
    # writer waits for another rather than failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        # Redis down or restarting is a cache miss, not an error (sites/outage/cache.py).
        {"BACKEND": "sites.outage.cache.ForgivingRedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if env("REDIS_URL"):
    # Wagtail's renditions, in the same Redis: read without being written back on every view.
    CACHES["renditions"] = {
        "BACKEND": "sites.outage.cache.RenditionsCache",
        "LOCATION": env("REDIS_URL"),
        # Not renewed by reads any more: a day (a rendition's key names its image's file hash,
        # and Wagtail purges a deleted rendition).
        "TIMEOUT": 24 * 60 * 60,
    }
# Cached objects are pickled: a release whose classes differ must not read the last one's.
for _cache in CACHES.values():
    _cache["KEY_PREFIX"] = env("RELEASE", "")

AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out accounts and addresses before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the public sites speak Russian; English translations via wagtail-localize.
LANGUAGE_CODE = "ru"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [("ru", "Русский"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads: in MEDIA_ROOT (`local`), or in an S3-compatible bucket (`s3`, sites/storage.py).
MEDIA_STORAGE = env("MEDIA_STORAGE", "local").strip().lower()
if MEDIA_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "sites.storage.MediaStorage"}
    # django-storages' own settings, read by the storage itself (sites/storage.py says why not
    # OPTIONS). Unset keys and region are left to boto3 (AWS_* variables, profile, role).
    AWS_STORAGE_BUCKET_NAME = env("S3_BUCKET", "").strip()
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET, the name of the bucket.")
    AWS_S3_ENDPOINT_URL = env("S3_ENDPOINT_URL") or None  # not AWS: MinIO, Yandex, …
    AWS_S3_REGION_NAME = env("S3_REGION") or None
    AWS_S3_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID") or None
    AWS_S3_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY") or None
    AWS_S3_ADDRESSING_STYLE = env("S3_ADDRESSING_STYLE") or None  # "path" for most MinIO
    AWS_S3_CUSTOM_DOMAIN = env("S3_CUSTOM_DOMAIN") or None  # the images' host, e.g. a CDN
    AWS_LOCATION = env("S3_LOCATION", "").strip("/")  # a folder of the bucket

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The page cache in front (Varnish, deploy/varnish/; sites/pagecache/): how long it keeps an
# anonymous public answer (precise purges replace it sooner), and where purges go.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", str(24 * 60 * 60)))
PAGE_CACHE_PURGE_URLS = env_list("PAGE_CACHE_PURGE_URLS")
# An answer the app could not give for an outage asks to come back after this long.
OUTAGE_RETRY_AFTER_SECONDS = int(env("OUTAGE_RETRY_AFTER_SECONDS", "30"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"noreply@{PLATFORM_BASE_DOMAIN}")

# Wagtail
WAGTAIL_SITE_NAME = "Профсайты — Курская областная организация Профсоюза"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"https://{PLATFORM_BASE_DOMAIN}")
# PostgreSQL stems Russian words ("учителей" finds "учитель"); after changing the configuration
# of an existing database, run `manage.py update_index`. SQLite ignores it (whole words).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "sites.isolation.search_backend", "SEARCH_CONFIG": "russian"}
}
WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = True
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx", "jpg", "png",
]  # fmt: skip
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Counts the pixels of every frame of an animated image (sites/isolation/odd_input.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "sites.isolation.odd_input.ImageForm"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No foreign services (152-ФЗ): Gravatar would send a hash of every editor's e-mail abroad.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Freshness thresholds, in days.
FRESHNESS_CURRENT_DAYS = int(env("FRESHNESS_CURRENT_DAYS", "30"))
FRESHNESS_STALE_DAYS = int(env("FRESHNESS_STALE_DAYS", "90"))
# News "published in the last N days" on the freshness report (sites/freshness/).
FRESHNESS_NEWS_DAYS = int(env("FRESHNESS_NEWS_DAYS", "90"))

# Two-factor sign-in (sites/accounts/twofactor.py; SECURITY.md): the name authenticator apps show.
OTP_TOTP_ISSUER = "Профсайты"

# Login throttling (django-axes; SECURITY.md). Five failed sign-ins in a row lock the account,
# and separately the address they came from, for 15 minutes; each attempt during the lockout
# starts the 15 minutes again. `manage.py axes_reset_username NAME` / `axes_reset_ip ADDR` unlock.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True  # a successful sign-in forgets the failures before it
AXES_LOCKOUT_TEMPLATE = "sites/accounts/twofactor/lockout.html"  # in Russian, status 429
# The client's address: the connection's by default; behind a reverse proxy, from the header it
# sets (README.md, "Configuration"). Read by django-ipware.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = (
    int(env("AXES_IPWARE_PROXY_COUNT")) if env("AXES_IPWARE_PROXY_COUNT", "").strip() else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Background tasks run inline by default and log every start and finish: keep them quiet.
    "loggers": {"django_tasks": {"level": "WARNING"}, "wagtail": {"level": "WARNING"}},
}
