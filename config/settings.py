"""lawflow settings, read from the environment (CONTRACT §1). Every variable has a working default."""

import datetime
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "lawflow-development-secret-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Production (DEBUG off) refuses to start with the development secret.
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development secret; set a real SECRET_KEY before running with DEBUG=false."
    )
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # login throttling (issue 17): failed logins per user name and address
    "csp",  # the Content-Security-Policy header (issue 17)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "viewflow",
    "workflows",
    "notifications",
    "review",
    "cases",
    "petitions",  # 信访 (issue 15, DESIGN §11)
    "mediation",  # 人民调解 (issue 15)
    "network",  # 法律顾问, 法律明白人, 学法与普法活动 (issue 15)
    "reports",  # 年度报告, 统计年报, 执法监督 (issue 16, DESIGN §12)
    "documents",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.SiteLanguageMiddleware",  # the chosen language, else LANGUAGE_CODE; not Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login refused for too many failures into the lockout page (AXES_LOCKOUT_TEMPLATE).
    "axes.middleware.AxesMiddleware",
    # Last, so its page is in the user's language; it still reads the body before any view or CSRF check.
    "config.request_limits.RequestSizeLimitMiddleware",
    # The database lost or unreachable (PostgreSQL restarting): a 503 that says so, not a 500 (issue 17).
    "config.db_unavailable.DatabaseUnavailableMiddleware",
]

# Request size (issue 10): the largest form filled to its bounds (workflows/text_limits.py: a 100,000-character
# document text is about 0.9 MB form-encoded) fits; a bigger request gets a page or JSON naming the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000"))
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "20"))
# Uploaded files above this size are streamed to a temporary file instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections (issue 18): a new PostgreSQL connection costs more than a whole inbox request.
        # 0 closes the connection after each request, as Django's default does.
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        # A connection kept between requests (DB_CONN_MAX_AGE > 0) is checked before a request uses it, so the first
        # request after PostgreSQL restarted reconnects instead of failing on the dead connection (issue 17).
        conn_health_checks=True,
    )
}
# Behind pgbouncer in transaction mode (README "Running in production and scaling") a server-side cursor — what
# `.iterator()` opens on PostgreSQL (the exports, verify_audit) — cannot outlive the transaction the pooler lends;
# DB_DISABLE_SERVER_SIDE_CURSORS=true makes Django read those rows client-side instead.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once (web, worker and beat share the file).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # WAL: readers never wait for the writer nor the writer for readers; only writers take turns, and no write
    # transaction stays open across an outside call (notifications.reminders.deliver). synchronous=NORMAL is safe
    # in WAL mode (a power cut may lose the last commits, never corrupt the file) and spares an fsync per commit.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # Tests use a file, not memory, so concurrent connections behave as in the demo (web, worker, beat).
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("LAWFLOW_TEST_SQLITE", str(Path(tempfile.gettempdir()) / f"lawflow-test-{os.getpid()}.sqlite3"))
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "workflows.User"

# Passwords set through lawflow (`create_user --password`, the admin's forms) pass all four of Django's validators:
# not like the user's name or e-mail, at least PASSWORD_MIN_LENGTH characters (10), not a well-known password, not
# digits only.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Security (issue 17; README "Security") ----------------------------------------------------------------
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from one address, that
# pair is locked out for AXES_COOLOFF_MINUTES, counted from its last attempt (an attempt while locked out starts
# the wait again); the same user from another address, or another user from the same address, still logs in. The
# web login, the admin's login and anything else that calls django.contrib.auth.authenticate() with the request go
# through the AxesStandaloneBackend first. The API has no password login (tokens come from `create_user`).
# Unlock at once: `manage.py axes_reset_username NAME` (or axes_reset_ip, axes_reset_ip_username, axes_reset).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful login forgets that pair's earlier failures
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"  # in Chinese, status 429 (AXES_HTTP_RESPONSE_CODE)
AXES_HTTP_RESPONSE_CODE = 429
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies (nginx with
# `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`) the address the outermost proxy saw
# (config.security.client_ip). Without it, behind a proxy every client would share the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"

# Sessions end after SESSION_IDLE_MINUTES without a request (every request saves the session and so extends it)
# and when the browser closes (等保 2.0: 登录连接超时自动退出).
SESSION_COOKIE_AGE = 60 * int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# HTTPS: on in production (DEBUG=false) unless HTTPS=false (a plain-HTTP intranet: passwords then cross the network
# in clear). With it, HTTP is redirected to HTTPS, the cookies are sent over HTTPS only, and browsers are told to
# use HTTPS only (HSTS) for SECURE_HSTS_SECONDS (a year), subdomains included; `preload` only marks the header as
# fit for the browsers' preload list: nothing is submitted. Behind a TLS proxy, SECURE_PROXY_SSL_HEADER names the
# header the proxy sets to "https" (e.g. X-Forwarded-Proto; the proxy must overwrite it on every request).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_"),
                               "https")
# The health check (docker HEALTHCHECK, a load balancer) may ask over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4), the same in development and production so that the browser tests see
# what production serves: scripts only from this server (no inline script, no inline event handler, no eval);
# images, fonts, fetches and form posts to this server only; never framed. Styles may be inline: viewflow's
# Material pages, Swagger UI and pygal's SVG charts carry style attributes and <style> elements, and Turbo (which
# swaps pages in place) would not carry a per-response nonce over. CSP_REPORT_ONLY=true sends the policy as
# report-only (to try a change); CSP_REPORT_URI collects violation reports.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": HTTPS,
    },
}
if os.environ.get("CSP_REPORT_URI"):
    _CSP["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Chinese first; English complete.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None  # set for collectstatic in production images
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Attachments (DESIGN §10): the file system under MEDIA_ROOT by default. An S3-compatible store (MinIO, a
    # government cloud's object storage) through django-storages (`pip install .[s3]`): set
    # ATTACHMENT_STORAGE=s3 and AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
    # AWS_SECRET_ACCESS_KEY (README "Attachments and storage").
    "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
if os.environ.get("ATTACHMENT_STORAGE", "").lower() == "s3":
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", "attachments"),
            # Evidence is never public: downloads go through lawflow's checks, never a bucket URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(BASE_DIR / "var" / "media")
# Where `manage.py backup` writes its archives unless given --output (README "Backups"): outside MEDIA_ROOT.
BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(BASE_DIR / "var" / "backups")
# Attachments (DESIGN §10, CONTRACT §6): the largest file accepted, in MB (a body-camera video of a few minutes is
# 100–200 MB). Files are streamed to a temporary file (FILE_UPLOAD_MAX_MEMORY_SIZE above), never held in memory;
# DATA_UPLOAD_MAX_MEMORY_SIZE counts only the form's text fields, not its files. A proxy in front of lawflow
# (nginx `client_max_body_size`) must allow at least this much.
ATTACHMENT_MAX_MB = int(os.environ.get("ATTACHMENT_MAX_MB", "200"))
WHITENOISE_USE_FINDERS = True  # serve the packaged assets (viewflow's fonts and scripts) with no collectstatic

REDIS_URL = os.environ.get("REDIS_URL", "")
# Issue 17: Redis down or hung fails a broker call within REDIS_TIMEOUT_SECONDS (a publish to a server that stopped
# answering otherwise waits forever, as kombu's Redis transport documents; above the worker's 1 s BRPOP) and a
# cache call within REDIS_CACHE_TIMEOUT_SECONDS (every page reads the cache; config/cache.py answers a miss).
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "2"))
REDIS_CACHE_TIMEOUT_SECONDS = float(os.environ.get("REDIS_CACHE_TIMEOUT_SECONDS", "0.5"))

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (embedded, demo only).
CELERY_TASK_DEFAULT_QUEUE = "lawflow"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": REDIS_TIMEOUT_SECONDS,
                                       "socket_connect_timeout": REDIS_TIMEOUT_SECONDS}
else:
    _broker_dir = Path(os.environ.get("LAWFLOW_BROKER_DIR", BASE_DIR / "var" / "broker"))
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# DESIGN §5: beat runs the reminder sweep every minute. The sweep is idempotent, so a second beat does no harm;
# a sweep that waited in the queue longer than a minute is dropped, the next one does its work.
# REMINDER_SWEEP_SECONDS: how often (tests of two beats run it every few seconds).
REMINDER_SWEEP_SECONDS = float(os.environ.get("REMINDER_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {"task": "notifications.tasks.sweep_reminders", "schedule": REMINDER_SWEEP_SECONDS,
                       "options": {"expires": max(1.0, REMINDER_SWEEP_SECONDS * 55 / 60)}},
    # Issue 10: deadlines computed on an older calendar (a chinesecalendar upgrade, a year made official by the
    # library) are recomputed; changes made in the admin or the API recompute at once and leave nothing stale.
    "calendar-check": {"task": "notifications.tasks.recompute_stale_deadlines", "schedule": 600.0,
                       "options": {"expires": 590}},
    # Issue 16: last year's reports and their deadlines (submit by 03-01, publish by 04-01, statistics by 01-31)
    # are opened daily; opening is idempotent, so the first run after New Year's Day does the work.
    "reports-open-last-year": {"task": "reports.tasks.open_last_year", "schedule": crontab(hour=0, minute=5),
                               "options": {"expires": 3600}},
    # Issue 16: last week's enforcement supervision circular (执法监督通报) every Monday at 08:00; idempotent per week.
    "supervision-circular": {"task": "reports.tasks.issue_weekly_circular",
                             "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
                             "options": {"expires": 6 * 24 * 3600}},
}

if REDIS_URL:
    # Fail-soft (config/cache.py): Redis down is a cache miss, logged, not an error page.
    CACHES = {"default": {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
                                      "socket_connect_timeout": REDIS_CACHE_TIMEOUT_SECONDS}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail reminders go through Django's mail settings; EMAIL_BACKEND may name Django's file or console backend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "300"))
# Reminders (DESIGN §5): sent at this local time of day; escalations repeat daily (working days) up to the cap;
# a failed send is retried with back-off (1, 2, 4 … minutes, at most an hour) up to REMINDER_MAX_FAILURES times.
REMINDER_SEND_TIME = os.environ.get("REMINDER_SEND_TIME", "09:00")
REMINDER_ESCALATION_CAP = int(os.environ.get("REMINDER_ESCALATION_CAP", "5"))
REMINDER_MAX_FAILURES = int(os.environ.get("REMINDER_MAX_FAILURES", "8"))
# A send whose outcome is unknown (read time-out, worker killed) is never repeated blindly: the SMS provider is asked by
# the delivery's key up to REMINDER_LOOKUP_TRIES times (with back-off) before the delivery is "uncertain" for an admin.
REMINDER_LOOKUP_TRIES = int(os.environ.get("REMINDER_LOOKUP_TRIES", "4"))
# Where links in messages point (in-app, e-mail, robots): the address users open lawflow at, scheme and host
# (and port, and a path prefix if any), e.g. https://fazhi.shiqiao.gov.cn. `make demo` sets it from DEMO_ADDR.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
_SITE = urlsplit(SITE_URL)
if _SITE.scheme not in ("http", "https") or not _SITE.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address such as https://fazhi.example.gov.cn, "
                               f"not {SITE_URL!r}.")
if not os.environ.get("ALLOWED_HOSTS") and _SITE.hostname not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_SITE.hostname)  # the site serves the address its own links point at

# --- Outside channels (all optional: the intranet may have none of them) ---------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
# SMS through a provider (aliyun, tencent) needs an approved signature (签名) and template (模板).
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
SMS_TEMPLATE_CODE = os.environ.get("SMS_TEMPLATE_CODE", "")  # Aliyun template code / Tencent template id
# The template's variables in order, comma-separated; `var=param` maps a template variable to a message parameter
# (object, item, due), e.g. "name=object,thing=item,date=due".
SMS_TEMPLATE_PARAMS = os.environ.get("SMS_TEMPLATE_PARAMS", "object,item,due")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")  # Aliyun AccessKey ID / Tencent SecretId
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")  # Aliyun AccessKey secret / Tencent SecretKey
SMS_SDK_APP_ID = os.environ.get("SMS_SDK_APP_ID", "")  # Tencent only
SMS_REGION = os.environ.get("SMS_REGION", "")  # empty: cn-hangzhou (Aliyun), ap-guangzhou (Tencent)
# An endpoint other than the provider's public one (e.g. a government cloud); "http://host:port" for plain HTTP.
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")
SMS_TIMEOUT_SECONDS = int(os.environ.get("SMS_TIMEOUT_SECONDS", "10"))
SMS_PER_MINUTE = int(os.environ["SMS_PER_MINUTE"]) if os.environ.get("SMS_PER_MINUTE") else None  # per phone
# WeCom app messages to users: apprise base URL wechat://CORPID:SECRET@AGENTID (the user's WeCom id is appended).
WECOM_APP_URL = os.environ.get("WECOM_APP_URL", "")
CHANNEL_TIMEOUT_SECONDS = int(os.environ.get("CHANNEL_TIMEOUT_SECONDS", "10"))  # robots and WeCom (apprise)

# The town (DESIGN §2 D8: number format configurable per town).
TOWN_NAME = os.environ.get("TOWN_NAME", "石桥镇")
TOWN_SHORT_NAME = os.environ.get("TOWN_SHORT_NAME", TOWN_NAME[:1])
# The sender of e-mail reminders: the town's platform at the site's own domain (a bare IP or a single-label host
# such as localhost is no mail domain, so those fall back to localhost; set DEFAULT_FROM_EMAIL in production).
_MAIL_DOMAIN = _SITE.hostname if "." in _SITE.hostname and not _SITE.hostname.replace(".", "").isdigit() \
    else "localhost"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{TOWN_NAME}法治平台 <lawflow@{_MAIL_DOMAIN}>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", f"lawflow@{_MAIL_DOMAIN}")
# The county the town belongs to: its people's government hears reconsiderations against the town (行政复议法 2023
# Art 24) and its basic court the lawsuits (行政诉讼法 Art 14, 18); both are named in the party's remedies on
# every decision (处罚法 Art 59(5)). 石桥镇 belongs to 宝丰县 (the town's 2023 rule-of-law report is headed
# "宝丰县石桥镇人民政府"): 宝丰县人民政府 and 宝丰县人民法院.
COUNTY_NAME = os.environ.get("COUNTY_NAME", "宝丰县")
# Where fines are paid (处罚法 Art 67 ¶3, 罚缴分离): the bank the decisions name; empty says "the designated bank".
FINE_BANK = os.environ.get("FINE_BANK", "")
# Where hearings are held (处罚法 Art 64(2)); empty: the town government.
HEARING_PLACE = os.environ.get("HEARING_PLACE", "")
DECISION_NUMBER_FORMAT = os.environ.get("DECISION_NUMBER_FORMAT", "{town}政〔{year}〕{seq}号")
CASE_NUMBER_FORMAT = os.environ.get("CASE_NUMBER_FORMAT", "{town}综执立〔{year}〕{seq}号")
# 简易程序 (处罚法 Art 52): an on-the-spot decision's own yearly series; the number is also its 当场处罚决定书's.
CASE_SPOT_NUMBER_FORMAT = os.environ.get("CASE_SPOT_NUMBER_FORMAT", "{town}综执当罚〔{year}〕{seq}号")
MEETING_NUMBER_FORMAT = os.environ.get("MEETING_NUMBER_FORMAT", "{year}年第{seq}次党政联席会议")
# Local practice (条例 Art 15 sets no floor): the fewest days an urgent matter's shortened comment period may last.
DECISION_URGENT_COMMENT_MIN_DAYS = int(os.environ.get("DECISION_URGENT_COMMENT_MIN_DAYS", "1"))
# Local rule (many provinces' 裁量基准, not 处罚法 Art 32): a reduced penalty (减轻) passes the leaders' collective
# discussion (cases.party_rules.require_discussion_for_reduction).
CASE_REDUCTION_NEEDS_DISCUSSION = env_bool("CASE_REDUCTION_NEEDS_DISCUSSION", True)
# Local rule (裁量基准, not the statute): a lighter penalty (从轻, Art 30, 32) lies in the lower half of the range
# (cases.party_rules.require_fine_in_range).
CASE_LIGHTER_LOWER_HALF = env_bool("CASE_LIGHTER_LOWER_HALF", True)

# Publicity of penalty decisions (处罚法 Art 48 ¶1: 具有一定社会影响的行政处罚决定应当依法公开; which ones is left to
# the province's list — local practice, configurable; cases.publicity.publicity_required reads these). With
# PUBLICITY_ALL_GENERAL_PROCEDURE (default, the 双公示 practice after 国办发〔2018〕118号: every general-procedure
# penalty decision is published) every such decision is on the list; without it only those whose violation type is
# flagged (ViolationType.publicity_required), which impose one of PUBLICITY_MEASURES (codes of cases.measures) or a
# fine from PUBLICITY_FINE_PERSON / PUBLICITY_FINE_ORG yuan (0 = no threshold). A minor's decision never is
# (未成年人保护法 Art 103, statute); on-the-spot decisions are not (local practice, cases.services.decide_on_the_spot).
PUBLICITY_ALL_GENERAL_PROCEDURE = env_bool("PUBLICITY_ALL_GENERAL_PROCEDURE", True)
PUBLICITY_MEASURES = [code for code in os.environ.get(
    "PUBLICITY_MEASURES", "suspend_permit,revoke_permit,lower_qualification,restrict_business,suspend_production,"
    "restrict_practice,close_down").split(",") if code]
PUBLICITY_FINE_PERSON = int(os.environ.get("PUBLICITY_FINE_PERSON", "10000"))
PUBLICITY_FINE_ORG = int(os.environ.get("PUBLICITY_FINE_ORG", "100000"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "web.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "workflows.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "lawflow API",
    "DESCRIPTION": "石桥镇法治政府建设工作平台 — 重大行政决策合法性审查与行政执法",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI describe every endpoint of the town's system: only for signed-in users (token or
    # session), as the API itself (drf-spectacular serves them to anyone by default: AllowAny).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed package, not a CDN: the town's intranet has no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise ask validator.swagger.io to check the schema (a badge image) on any host but
    # localhost when a layout that draws it is used: nothing leaves the intranet.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    # Every operation's error answers (400, 401, 403, 404, 409, 415 in the error format), declared once (web/api_schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "web.api_schema.declare_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "DecisionStateEnum": "review.models.DecisionState",
        "MeetingStateEnum": "review.models.MeetingState",
        "CaseStateEnum": "cases.models.CaseState",
        "PartyKindEnum": "cases.models.Party.Kind",
        "PreparationKindEnum": "review.models.PreparationRecord.Kind",
        "CalendarDayKindEnum": "notifications.models.CalendarDay.Kind",
        "AttachmentCategoryEnum": "documents.models.Attachment.Category",
        "CategoryEnum": "review.models.Decision.Category",  # the decisions' name before attachments came
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
