"""Settings shared by every environment. Everything that differs comes from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "csp",
    "simple_history",
    "axes",
    "common",
    "accounts",
    "authorities",
    "rules",
    "projects",
    "review",
    "documents",
    "supervision",
    "scale",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses an oversized multipart body before anything reads it (config/uploads.py).
    "config.uploads.UploadSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # 404 for ids beyond 64 bits, 409 for a locked database (config/middleware.py).
    "config.middleware.SafeInputMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database: DATABASE_URL, default an SQLite file in the project ---------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections: a new PostgreSQL connection per request costs ~8x throughput.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The hottest read queries run as prepared statements on PostgreSQL (common/prepared.py): turn
# off (0) behind a transaction-mode connection pooler, which does not keep a session's statements.
DB_PREPARED_STATEMENTS = os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"
if DB_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Those statements are planned once, for any parameters (a generic plan): PostgreSQL's own
    # choice kept replanning the queue's page (1.2 ms a time). It applies to prepared statements
    # only, and Django prepares none: only common.prepared's, chosen for plans that fit any values.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c plan_cache_mode=force_generic_plan"
    )

# --- Auth ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed logins per username and client address and refuses the account from
# that address for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures, even with the right
# password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time: Chinese first, English available ---------------------------------------
LANGUAGE_CODE = "zh-hans"
# Each language named in itself, as a language switch should.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# A stale form answers with the branded page, not Django's English one (common/views.py).
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded reports and issued opinions live outside the web root and are served only by views
# that check permissions; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/protected-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads are measured while they stream in (config/uploads.py): a file past ATTACHMENT_MAX_BYTES
# is cut off, a multipart body declaring more than UPLOAD_REQUEST_MAX_BYTES is refused with 413.
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# A page may send a few files at once (evidence of several substitution sources); the public
# verification page takes one file, so its requests are held to one file's limit.
UPLOAD_REQUEST_MAX_BYTES = 3 * ATTACHMENT_MAX_BYTES

# --- REST framework and OpenAPI ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Strict JSON: no NaN/Infinity, no overflowing numbers, bounded nesting (config/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Rates are read from the settings API_THROTTLE_USER / API_THROTTLE_ANON (config/throttles.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttles.UserRateThrottle",
        "config.throttles.AnonRateThrottle",
    ],
}
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "600/minute")
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "60/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "EnergyReview API · 固定资产投资项目节能审查",
    "DESCRIPTION": "Assessment, applicant and review endpoints of the energy-conservation review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Self-hosted Swagger UI (drf-spectacular-sidecar): no script from a CDN on the docs page.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models share field names (state, kind, status): name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "DraftStateEnum": "documents.models.DraftState",
        "CaseStateEnum": "review.models.CaseState",
        "OpinionStateEnum": "review.models.Opinion.State",
        "DocumentKindEnum": "review.models.DocumentKind",
        "AttachmentKindEnum": "projects.models.Attachment.Kind",
        "ProjectStatusEnum": "projects.models.ProjectStatus",
        "InventoryStatusEnum": "rules.models.InventoryStatus",
    },
}

# --- Celery: Redis when REDIS_URL is set, otherwise tasks run in-process --------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message a killed worker held unacknowledged is redelivered after this many seconds; it must
# exceed the longest task (an opinion renders in about a second).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))
}
CELERY_TIMEZONE = TIME_ZONE
# Documents (WeasyPrint + signature, CPU-bound for about a second each) go to their own queue so
# that document workers can run on other machines than the web (README, production): a burst of
# opinions then no longer competes with the web for its cores (issue 14). A single-machine worker
# consumes both queues (`-Q celery,documents`, as `make run` and `make worker` start it).
CELERY_TASK_DEFAULT_QUEUE = "celery"
DOCUMENTS_QUEUE = "documents"
CELERY_TASK_ROUTES = {"review.tasks.opinion_render_task": {"queue": DOCUMENTS_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    # The transactional outbox (outbox/): what could not be sent at commit, sent when it can.
    "dispatch-outbox": {
        "task": "outbox.tasks.dispatch_outbox_task",
        "schedule": 30.0,
    },
    "expire-stale-approvals": {
        "task": "review.tasks.expire_approvals_task",
        "schedule": crontab(hour=1, minute=30),
    },
    "deadline-reminders": {
        "task": "review.tasks.send_deadline_reminders_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "deem-accepted": {
        "task": "review.tasks.deem_accepted_task",
        "schedule": crontab(hour=0, minute=20),
    },
    "requeue-stale-opinions": {
        "task": "review.tasks.opinion_requeue_stale_task",
        "schedule": crontab(minute="*/10"),
    },
    "supervision-acceptance-overdue": {
        "task": "supervision.tasks.acceptance_overdue_flag_task",
        "schedule": crontab(hour=2, minute=10),
    },
    "supervision-inventory-sync": {
        "task": "supervision.tasks.inventory_sync_task",
        "schedule": crontab(hour=2, minute=20),
    },
}

# --- Cache: Redis when CACHE_URL (default REDIS_URL) is set, else each process's memory ---------
# What it holds must be shared by every web process: the API throttles count a user's requests
# across all gunicorn workers and machines (a per-process count lets a user through once per
# worker), and the overview's figure snapshots (scale.snapshots) are taken once for everyone.
CACHE_URL = os.environ.get("CACHE_URL", REDIS_URL)
CACHES = {
    "default": (
        {
            # Redis unreachable = a cache that holds nothing, not a site that is down.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Email --------------------------------------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "energyreview@localhost")

# --- Service --------------------------------------------------------------------------------------
# 补正: the law sets the applicant no time to answer; the reviewer sets an answer-by date when
# returning a case, by default this many calendar days after the return.
CORRECTION_ANSWER_DAYS = int(os.environ.get("CORRECTION_ANSWER_DAYS", "30"))
# Public base URL printed in the QR code of issued opinions.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# PAdES signing certificate of the issuing authority (PKCS#12). Empty: a self-signed demo
# certificate is created under MEDIA_ROOT/keys/ on first use (manage.py make_signing_cert).
SIGNING_PKCS12_PATH = os.environ.get("SIGNING_PKCS12_PATH", "")
SIGNING_PKCS12_PASSWORD = os.environ.get("SIGNING_PKCS12_PASSWORD", "")
SESSION_COOKIE_AGE = int(timedelta(hours=8).total_seconds())
# Sessions are read from the cache (Redis in production) and written through to the database:
# a page no longer queries the session table, and logout or a password change still ends the
# session everywhere (the database row and the cached copy go together).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Scripts only from our own static files or an inline block carrying the per-response nonce
# ({{ request.csp_nonce }}); no inline event handlers (static/js/csp.js wires them). Inline
# style attributes remain allowed: they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
