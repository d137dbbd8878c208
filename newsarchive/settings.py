"""Settings for the news-and-pledges archive, read from the environment.

Production runs on PostgreSQL (``DATABASE_URL``); without it the archive keeps a SQLite file in
``var/``. ``DEBUG`` is off unless ``DEBUG=1``, and then a secret key is required: from ``SECRET_KEY``
or from ``var/secret_key``, which ``make run`` writes on first run.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
SECRET_KEY_FILE = VAR_DIR / "secret_key"


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Seconds a worker keeps its database connection between requests. On SQLite a connection also keeps its page
# cache: a fresh one per request would read every index page it needs from the file again.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))

# On PostgreSQL, a statement that a connection runs a fifth time is prepared (psycopg's default threshold), and
# PostgreSQL then plans it once, not every time: planning took most of the time of the pages' joins (0.3–0.65 ms
# to plan one that ran in 0.05). PREPARED_STATEMENTS=off behind a pooler that cannot keep them across
# transactions (PgBouncer in transaction mode before 1.21).
PREPARED_STATEMENTS = (
    {"server_side_binding": True, "prepare_threshold": 5} if env_flag("PREPARED_STATEMENTS", default=True) else {}
)


def database_from_url(url: str) -> dict:
    """A DATABASES entry from ``postgres://user:password@host:port/name`` or ``sqlite:///path``."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": PREPARED_STATEMENTS,
        }
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres:// or sqlite://)")


def sqlite_database(path: Path) -> dict:
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock when a
    # transaction begins, so two writers queue on the busy timeout instead of failing with
    # "database is locked" when a read lock would have to be upgraded. A page cache of 64 MiB a connection
    # (2 MiB by default) keeps the indexes an import and the pages look up in memory as the archive grows.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        },
    }


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and SECRET_KEY_FILE.exists():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(f"No secret key: set SECRET_KEY, or run `make run` once to write {SECRET_KEY_FILE}.")
    SECRET_KEY = "insecure-development-key"  # noqa: S105 - DEBUG only, never served in production

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # After auth, whose permissions it gives editors once they exist (articles/editors.py); before the
    # admin, whose templates articles/templates/admin/ extends.
    "articles",
    "django.contrib.admin",
    "django_filters",
    "rest_framework",
    "simple_history",
    "axes",
    "pledges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Inside CsrfViewMiddleware, which sets each reader's CSRF cookie on cached pages too (articles/caching.py).
    "articles.caching.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records which editor made each change in the admin's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# Logins are throttled against guessing: after AXES_FAILURE_LIMIT failures for one account from one
# address, that pair is locked out for an hour, and the lockout is logged. An administrator unlocks
# it at once with `manage.py axes_reset_username NAME` (or `axes_reset` for everyone).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

ROOT_URLCONF = "newsarchive.urls"

TEMPLATES = [
    {
        # Readers' pages (templates/), in Jinja2: see newsarchive/jinja2.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "environment": "newsarchive.jinja2.environment",
            "context_processors": ["django.contrib.messages.context_processors.messages"],
        },
    },
    {
        # The admin (with the archive's screens in articles/templates/admin/) and other apps' templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsarchive.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": sqlite_database(VAR_DIR / "archive.sqlite3")}

# PostgreSQL streaming replicas of the primary, `replica1`, `replica2`, … in the order given; anonymous readers'
# requests read from them (articles/routing.py). In tests each one is the test database itself (TEST MIRROR), as
# streaming replication would make it.
DATABASE_REPLICAS = []
for number, replica_url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{number}"] = {**database_from_url(replica_url), "TEST": {"MIRROR": "default"}}
    DATABASE_REPLICAS.append(f"replica{number}")
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["articles.routing.ReplicaRouter"]
    # After authentication: it asks whether the user is signed in.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "articles.routing.ReplicaReadsMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Security. Production serves HTTPS only; HTTPS=off is for a plain-HTTP run on one's own machine
# (`make run` sets it), where secure cookies and the redirect would lock everyone out.
HTTPS = env_flag("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("HSTS_PRELOAD")  # the operator's choice, hence W021 is silenced
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(proxy_header.split(",", 1))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is the site's own: no inline script or style, no other origin, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The public API (articles/api.py) is read-only JSON for anyone: no sessions, no browsable forms.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "articles.pagination.CappedCountPagination",
    "PAGE_SIZE": 25,
}

# One cache that every worker and process shares: pages for anonymous readers (articles/caching.py) and the
# correction rate limit. Redis when REDIS_URL is set, otherwise a table in the database (`createcachetable`).
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shared_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# How long a page stays cached; any change readers would see replaces every cached page at once. 0: no page cache.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

# Readers' correction suggestions accepted from one address in an hour (articles/corrections.py).
CORRECTIONS_PER_HOUR = int(os.environ.get("CORRECTIONS_PER_HOUR", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes reports every login at INFO; its failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
