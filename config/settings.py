"""Handover settings: one source of truth, read from the environment.

With no environment at all the project runs on development defaults (SQLite under
``var/``, Celery tasks in-process, e-mail to the console). Production sets ``DEBUG=False``
and must then give ``SECRET_KEY`` and ``ALLOWED_HOSTS``; every variable is listed in the
configuration table in docs/operating.md.
"""

from datetime import date, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)


def _required_in_production(name, hint):
    value = env(name, default="")
    if not value and not DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG=False it must be given in the environment: {hint}"
        )
    return value


SECRET_KEY = (
    _required_in_production(
        "SECRET_KEY",
        "a long random string, for example from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
    )
    or "django-insecure-development-only-key-never-used-in-production"
)

ALLOWED_HOSTS = [host.strip() for host in env.list("ALLOWED_HOSTS", default=[]) if host.strip()]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DEBUG=False it must list the host names the "
            "centre uses, separated by commas, for example ALLOWED_HOSTS=handover.example.org."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in env.list("CSRF_TRUSTED_ORIGINS", default=[]) if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # The base layer first: it imports no app, and discovers each app's declarations.
    "core",
    "centre",
    "referrals",
    "attendance",
    "safeguarding",
    "retention",
    "privacy_requests",
    # On top: the home pages, built from the cards the apps below declare.
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files in production; runserver and the tests' live server
    # serve them themselves in development.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    # PostgreSQL unreachable: a plain 503, no stack trace. Outside the session,
    # authentication and audit middleware, which all use the database (centre/faults.py).
    "centre.faults.DatabaseDownMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session 12 hours after the password was given (centre/sessions.py).
    "centre.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "centre.middleware.NoStoreMiddleware",
    "centre.middleware.AuditRefusalsMiddleware",
    # A write that lost a race with a disposal: a page naming the proof of disposal,
    # never a server error (retention/races.py).
    "retention.races.DisposedMeanwhileMiddleware",
    # Turns a sign-in refused for a lockout into the locked-out page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "centre.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere (PostgreSQL in production).
if "DATABASE_URL" not in env:
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'handover.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# PostgreSQL connections come from a psycopg pool in each server process when DB_POOL_SIZE
# is set (the Docker image sets it to the gunicorn threads per worker; bench/README.md "Sizing").
DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=0)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A server that does not answer costs a new connection 2 seconds (libpq's least),
    # not the minutes of the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # No just-in-time compilation: it pays off for long analytical queries, never for
    # ours. On the retention sweep's correlated subqueries (a dormant case's last
    # activity) compiling took 10 s of a query that runs in a tenth of one (bench/README.md).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DB_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool that fails fast: a request waits on the pool only once PostgreSQL has
    # answered, and an unreachable server answers 503 within about a second
    # (config/postgresql/base.py; docs/operating.md "When Redis or PostgreSQL is down").
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_SIZE,
        # With one connection per thread no thread waits for another; this is how long a
        # new connection may take once PostgreSQL has answered.
        "timeout": env.float("DB_POOL_TIMEOUT_SECONDS", default=2),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as Celery's broker and as the cache when it is configured.
REDIS_URL = env("REDIS_URL", default="")
# Redis answers in a millisecond on the same network. A Redis that is down (refusing) or
# hung (accepting, never answering) must not hold a request: connecting and each reply
# give up after this long, for the cache and the broker alike, so a hung Redis costs a
# request about half a second and /health/ answers well inside docker-compose's check.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Users, roles and sessions.
AUTH_USER_MODEL = "centre.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "centre.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes watches every password given (AxesStandaloneBackend, first) and refuses one
# for a locked-out name and address before Django checks it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading an account's permissions in one query, not two.
    "centre.backends.ModelBackendInOneQuery",
]
# Five wrong passwords for one name from one address lock that pair, not the whole
# address (a centre's tablets share one) nor the name everywhere (which would let anyone
# lock the manager out), for 15 minutes; a right password clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A wrong password during the lockout does not start the 15 minutes again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "centre.auth_views.lockout_name"
AXES_LOCKOUT_CALLABLE = "centre.auth_views.locked_out"
# The address is the connection's own (REMOTE_ADDR), never a header a client could set,
# unless a reverse proxy in front says how many hops to trust (TRUSTED_PROXY_COUNT).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# The audit trail records sign-ins; axes keeps only the failure counts it needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Two-factor codes (django-otp): the issuer names the entry in the authenticator app.
OTP_TOTP_ISSUER = env("OTP_ISSUER", default="Handover")
# However busy, a session ends 12 hours after the password was given (centre/sessions.py).
SESSION_MAX_AGE_SECONDS = env.int("SESSION_MAX_AGE_SECONDS", default=12 * 60 * 60)
# A tablet left on a hall table must not stay signed in: 30 minutes idle ends the session.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Messages can name people (who collected a child): keep them on the server, not in a
# cookie on a shared tablet.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Internationalisation: the centre is in England.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Django's own technical form messages reworded to say what to do (locale/en_GB).
LOCALE_PATHS = [BASE_DIR / "locale"]
# No record of the centre is dated before this (core/plausible.py): a year typed wrong is
# refused. Set it earlier to import a centre's older records.
EARLIEST_RECORD_DATE = date.fromisoformat(env("EARLIEST_RECORD_DATE", default="1990-01-01"))
# A supervised contact report not sent this many working days (England and Wales) after
# its session is flagged overdue on the reports list, the report and the home pages.
REPORT_TARGET_WORKING_DAYS = env.int("REPORT_TARGET_WORKING_DAYS", default=5)

# Static files are served by the application itself (WhiteNoise), never from a CDN.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded files (court orders, DBS certificates) live outside every served path and are
# only ever read back through a view that checks the viewer's role.
UPLOAD_ROOT = env.path("UPLOAD_ROOT", default=VAR_DIR / "uploads")
STORAGES = {
    "default": {"BACKEND": "centre.uploads.PrivateFileStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# E-mail: EMAIL_URL names the server (smtp+tls://user:password@host:587). Without it, mail
# goes to the console in development and to an SMTP relay on localhost:25 in production.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 30,
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="handover@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run in-process so a laptop needs nothing else.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late, Redis hands a task that is not acknowledged within the visibility timeout
# to another worker. The longest tasks are the nightly sweep and disposal (minutes, even
# on 20,000 cases); six hours is far beyond them, so a slow night is never run twice at
# once. A task lost with a killed worker does not wait for it: the database holds what is
# pending, and the five-minute disposal run in CELERY_BEAT_SCHEDULE picks it up.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 60 * 60,
    # Redis down or hung must not hold a request that queues a task: give up quickly
    # (the callers log and carry on; the database holds the pending work). The worker
    # waits for tasks with the socket polled by its event loop, not a blocking read, so
    # the short read timeout does not cut its waits short.
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
# The result store is Redis too: the same short timeouts.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT_SECONDS
# Publishing retries twice, briefly, then raises to the caller (which logs and carries
# on), rather than Celery's default of retrying for several seconds inside a request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Every periodic task lives here, with a comment saying when it runs.
CELERY_BEAT_SCHEDULE = {
    # 01:30 every night: switch off the accounts of people whose last day has passed.
    "close-accounts-of-leavers": {
        "task": "centre.tasks.close_accounts_of_leavers",
        "schedule": crontab(hour=1, minute=30),
    },
    # 01:45 every night: delete ended sessions and failed sign-ins past their lockout.
    "forget-expired-sign-in-records": {
        "task": "centre.tasks.forget_expired_sign_in_records",
        "schedule": crontab(hour=1, minute=45),
    },
    # 01:47 every night: delete the disclosure log's entries kept for accountability, and
    # those about no case or person, seven years after the disclosure.
    "expire-disclosures": {
        "task": "centre.tasks.expire_disclosures",
        "schedule": crontab(hour=1, minute=47),
    },
    # 01:48 every night: blank a data controller's name in the centre profile's history
    # seven years after another name replaced it.
    "forget-replaced-controller-names": {
        "task": "centre.tasks.forget_replaced_controller_names",
        "schedule": crontab(hour=1, minute=48),
    },
    # 01:50 every night: delete the sessions no family was booked on, a year after their date.
    "expire-unbooked-sessions": {
        "task": "attendance.tasks.expire_unbooked_sessions",
        "schedule": crontab(hour=1, minute=50),
    },
    # 02:00 every night (Europe/London): flag what the retention schedule says is due
    # into the manager's disposal queue. It never deletes anything itself.
    "retention-sweep": {
        "task": "retention.tasks.sweep",
        "schedule": crontab(hour=2, minute=0),
    },
    # 02:30 every night: delete the audit events and the proofs of disposal more than seven
    # years old, through the two database functions the application's role may call.
    "expire-audit-trail-and-proofs": {
        "task": "retention.tasks.expire_audit_trail_and_proofs",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every 5 minutes: dispose of whatever is approved and not yet disposed of. Each
    # approval queues a disposal at once; this run finishes the work of a worker that was
    # killed or of an approval made while Redis was down, minutes later, not the next
    # night (and not after the visibility timeout below). With nothing approved it costs
    # two small queries. A run not started within the 5 minutes (a busy worker) is
    # dropped: the next one does the same work.
    "retention-dispose-approved": {
        "task": "retention.tasks.dispose_approved",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
}
# The disposal takes approved records this many at a time, one transaction a batch
# (retention/services.py): a batch shares one purge, which costs about the same for one
# record as for fifty, and is short enough that a hold placed meanwhile waits a moment.
RETENTION_DISPOSAL_BATCH = env.int("RETENTION_DISPOSAL_BATCH", default=50)

# Security. Production defaults are strict; each can be relaxed only explicitly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy, enforced from the first page: scripts only by nonce, no inline
# styles or handlers anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # Without a nonce on the page this leaves only 'strict-dynamic', which admits no script.
    "script-src": [CSP.NONCE, CSP.STRICT_DYNAMIC],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Logs carry ids and event names, never personal data. Every handler has the filter that
# takes exception messages, database details (a failing row) and query parameters out of
# every line, ours and third parties' (centre/log_filters.py); the Celery worker and beat
# log through this same configuration (config/celery.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "centre.log_filters.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One handler for Django's own messages too, so nothing prints twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver's request lines: Django's default gives them a handler of their own,
        # which would go without the filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # redis-py gives this logger a handler of its own unless it is configured already.
        "push_response": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # Sign-ins, failures and lockouts go to the audit trail; axes' own lines add nothing
        # but the words "successful login" for every request of the tests.
        "axes": {"level": "WARNING"},
    },
}
