"""Django settings, read from the environment.

Every setting that comes from the environment is parsed here and a bad value stops the process
with a message naming the variable, so a misconfigured deployment never starts half-working.
"""

import os
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("FANGKONG_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


MIN_KEY_LENGTH = 32


def secret_from_env_or_file(env_name: str, file_name: str) -> str:
    """A secret from the environment, else from the file `<env_name>_FILE` names (which must then exist), else
    from a file under var/ that is created on first use, except in production, where keys are never made up."""
    file_variable = f"{env_name}_FILE"
    value = os.environ.get(env_name)
    if value and os.environ.get(file_variable):
        raise ImproperlyConfigured(f"{env_name} and {file_variable} are both set: give the key one way")
    if os.environ.get(file_variable):
        path = Path(os.environ[file_variable])
        try:
            value = path.read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{file_variable}={str(path)!r} cannot be read: {exc.strerror}") from None
        if not value:
            raise ImproperlyConfigured(f"{file_variable}={str(path)!r} is empty")
    if not value:
        path = VAR_DIR / file_name
        if not path.exists():
            if PRODUCTION:
                raise ImproperlyConfigured(f"{env_name} (or {file_variable}) is not set and {path} does not exist; "
                                           "in production keys are given, never generated")
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        value = path.read_text().strip()
    if PRODUCTION and len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"{env_name}: a key of {len(value)} characters is too short for production; "
                                   f"give at least {MIN_KEY_LENGTH} random characters")
    return value


PRODUCTION = env_bool("FANGKONG_PRODUCTION", False)
DEBUG = env_bool("FANGKONG_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("FANGKONG_DEBUG=true is refused with FANGKONG_PRODUCTION=true: debug pages show secrets")
SECRET_KEY = secret_from_env_or_file("FANGKONG_SECRET_KEY", "secret.key")
# Key for encrypting ID numbers and phones and for their keyed lookup hashes.
FIELD_ENCRYPTION_KEY = secret_from_env_or_file("FANGKONG_FIELD_KEY", "field.key")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("FANGKONG_ALLOWED_HOSTS", "*").split(",") if h.strip()]
if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    given = os.environ.get("FANGKONG_ALLOWED_HOSTS")
    raise ImproperlyConfigured(("FANGKONG_ALLOWED_HOSTS is not set" if given is None else
                                f"FANGKONG_ALLOWED_HOSTS={given!r} admits any host")
                               + ": in production name the host names the site is served under, comma-separated")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("FANGKONG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "fangkong.accounts",
    "fangkong.jurisdictions",
    "fangkong.people",
    "fangkong.audit",
    "fangkong.cases",
    "fangkong.quarantine",
    "fangkong.dashboard",
    "fangkong.warning",
    "fangkong.bulletins",
    "fangkong.screening",
    "fangkong.reporting",
    "fangkong.checkpoints",
    "fangkong.imports",
    "fangkong.inspections",
    "fangkong.tasks",
    "fangkong.passes",
    "fangkong.goods",
    "fangkong.vaccination",
    "fangkong.idempotency",
    "fangkong.testing",
    "fangkong.workforce",
    "fangkong.selfreport",
    "fangkong.web",
    "fangkong.pathways",
    "fangkong.supplies",
    "fangkong.care",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fangkong.web.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fangkong.web.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangkong.actors.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("FANGKONG_DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj_database_url raises several types for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} is not a database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] not in {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL: unsupported engine {config['ENGINE']}; use sqlite:// or postgres://")
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (accounts/throttle.py): failures allowed per user name and per client address before each
# further one waits LOGIN_DELAY_SECONDS, doubled per failure up to LOGIN_DELAY_MAX_MINUTES; counts are forgotten
# after LOGIN_FAILURE_WINDOW_MINUTES without a failure. An office behind one address gets a higher limit.
LOGIN_FAILURE_LIMIT = env_int("FANGKONG_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("FANGKONG_LOGIN_ADDRESS_FAILURE_LIMIT", 10)
LOGIN_DELAY_SECONDS = env_int("FANGKONG_LOGIN_DELAY_SECONDS", 30)
LOGIN_DELAY_MAX_MINUTES = env_int("FANGKONG_LOGIN_DELAY_MAX_MINUTES", 15)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("FANGKONG_LOGIN_FAILURE_WINDOW_MINUTES", 60)
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only (fangkong/net.py).
TRUSTED_PROXIES = env_int("FANGKONG_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(f"FANGKONG_TRUSTED_PROXIES={TRUSTED_PROXIES} is negative; 0 means no proxy")
# Hours a destination grid has to confirm a traveller handed over by a checkpoint (点对点).
HANDOVER_HOURS = env_int("FANGKONG_HANDOVER_HOURS", 4)
# Hours a grid has to answer an assist-investigation request from another region (协查).
ASSIST_HOURS = env_int("FANGKONG_ASSIST_HOURS", 24)
# Green-channel passes (national template, 2022-04): the driver shows a negative test within 48 h; the province
# sets the validity, at most this many days a pass.
PASS_TEST_HOURS = env_int("FANGKONG_PASS_TEST_HOURS", 48)
PASS_MAX_DAYS = env_int("FANGKONG_PASS_MAX_DAYS", 30)
# Vaccination coverage targets (local targets seen: 80+ first dose 90 %; 60-79 fully vaccinated and boosted 95 %),
# as "band:measure=percent" pairs; the gap per grid is counted against them.
VACCINATION_TARGETS = os.environ.get("FANGKONG_VACCINATION_TARGETS", "80+:first=90,60-79:full=95,60-79:boosted=95")
# Cold chain (2nd edition guidance): workers at high-risk posts tested at a high frequency, every this many days;
# goods records kept at least 2 years, then purged by `purge_goods`.
GOODS_WORKER_TEST_DAYS = env_int("FANGKONG_GOODS_WORKER_TEST_DAYS", 2)
GOODS_RETENTION_DAYS = env_int("FANGKONG_GOODS_RETENTION_DAYS", 731)
if GOODS_RETENTION_DAYS < 731:
    raise ImproperlyConfigured(f"FANGKONG_GOODS_RETENTION_DAYS={GOODS_RETENTION_DAYS}: goods records are kept at "
                               "least two years (731 days)")
# Spreadsheet imports: the largest file, in rows and megabytes, and how long a checked file waits for
# its uploader's choice before its staged rows (personal data) are dropped.
IMPORT_MAX_ROWS = env_int("FANGKONG_IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_MB = env_int("FANGKONG_IMPORT_MAX_MB", 50)
# What an .xlsx may unpack to (imports/sheets.check_archive): a 200,000-row arrival register of ten columns
# unpacks to 92 MB (8.6 MB zipped); 300 leaves room for the longer registers and Excel's own markup.
IMPORT_MAX_UNZIPPED_MB = env_int("FANGKONG_IMPORT_MAX_UNZIPPED_MB", 300)
IMPORT_KEEP_HOURS = env_int("FANGKONG_IMPORT_KEEP_HOURS", 72)
# Inspections (M13): the largest photo accepted as a finding or as evidence, and the days a rectification is
# given by default by severity (隐患问题立即整改: a critical one the next day).
PHOTO_MAX_MB = env_int("FANGKONG_PHOTO_MAX_MB", 10)
RECTIFY_DAYS = {"critical": env_int("FANGKONG_RECTIFY_DAYS_CRITICAL", 1),
                "major": env_int("FANGKONG_RECTIFY_DAYS_MAJOR", 3),
                "minor": env_int("FANGKONG_RECTIFY_DAYS_MINOR", 7)}
# Reports from the public (M17): how many one address may send in the throttle's window before each further
# one waits (accounts/throttle.py), and the days a referred unit has to reply by default.
PUBLIC_REPORT_LIMIT = env_int("FANGKONG_PUBLIC_REPORT_LIMIT", 5)
PUBLIC_REPORT_REPLY_DAYS = env_int("FANGKONG_PUBLIC_REPORT_REPLY_DAYS", 3)
# Supplies: the priority tiers of requests (1 first, up to this many), and the days of issues that give a
# store's consumption rate (days of stock left = on hand / the mean daily issue over them).
SUPPLY_TIERS = env_int("FANGKONG_SUPPLY_TIERS", 5)
SUPPLY_CONSUMPTION_DAYS = env_int("FANGKONG_SUPPLY_CONSUMPTION_DAYS", 7)
# The hard rest rules of each kind of post, before a command centre edits them (workforce.RestRules): minutes in
# protective equipment per shift (a provincial hospital's handbook: at most 4 h per entry into the isolation area),
# the rest between two shifts (14 h after a red-zone shift), days in a row, minutes in any 7 days, days in a row at
# one post (Hubei: no more than a month in a makeshift or designated hospital, shorter in severe care), and the days
# of health monitoring after a red-zone rotation, when the person is not rostered (二十条: 5 days at home).
_RED = {"red_zone": True, "min_rest_minutes": 14 * 60, "max_consecutive_days": 5, "min_days_off": 2,
        "max_minutes_per_week": 40 * 60, "monitoring_days": 5}
_FIELD = {"red_zone": False, "max_shift_minutes": None, "min_rest_minutes": 12 * 60, "max_consecutive_days": 6,
          "min_days_off": 1, "max_minutes_per_week": 48 * 60, "max_days_at_post": None, "monitoring_days": 0}
WORKFORCE_REST_RULES = {
    "red_zone_ward": {**_RED, "max_shift_minutes": 4 * 60, "max_days_at_post": 30},
    "icu": {**_RED, "max_shift_minutes": 4 * 60, "max_days_at_post": 21},
    "makeshift": {**_RED, "max_shift_minutes": 6 * 60, "max_days_at_post": 30},
    "sampling": {**_FIELD, "max_shift_minutes": 6 * 60},
    "epidemiology": _FIELD,
    "checkpoint": _FIELD,
    "grid": _FIELD,
}
# Roster penalties: a person short of the preferred cover, one over it, and an unmet request's default weight.
ROSTER_UNDER_WEIGHT = env_int("FANGKONG_ROSTER_UNDER_WEIGHT", 100)
ROSTER_OVER_WEIGHT = env_int("FANGKONG_ROSTER_OVER_WEIGHT", 1)
ROSTER_SOLVER_WORKERS = env_int("FANGKONG_ROSTER_SOLVER_WORKERS", 2)
# Seconds between two refreshes of each hall-screen panel; a panel not refreshed for three of them says it is stale.
SCREEN_REFRESH_SECONDS = env_int("FANGKONG_SCREEN_REFRESH_SECONDS", 30)
# A self-report link refuses itself after this many wrong answers to "the last 4 characters of your ID".
SELF_REPORT_MAX_ATTEMPTS = env_int("FANGKONG_SELF_REPORT_MAX_ATTEMPTS", 5)
# The hour of the day (local time, 0-24) by which a unit's daily zero report is due; 24 is the day's end.
ZERO_REPORT_DUE_HOUR = env_int("FANGKONG_ZERO_REPORT_DUE_HOUR", 24)
if not 0 <= ZERO_REPORT_DUE_HOUR <= 24:
    raise ImproperlyConfigured(f"FANGKONG_ZERO_REPORT_DUE_HOUR={ZERO_REPORT_DUE_HOUR} is not an hour from 0 to 24")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["fangkong.formats"]
TIME_ZONE = os.environ.get("FANGKONG_TIME_ZONE", "Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"FANGKONG_TIME_ZONE={TIME_ZONE!r} is not an IANA time zone") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from it; a missing one warns on every request
# Uploaded photos (inspections): never served as static files; a view checks who may see each one.
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Headers (web/security.py and Django's SecurityMiddleware). Pages use only our own static files; charts are
# drawn on canvas and bulletin charts are data: images.
CONTENT_SECURITY_POLICY = [
    ("default-src", "'self'"), ("script-src", "'self'"), ("style-src", "'self'"), ("img-src", "'self' data:"),
    ("font-src", "'self'"), ("connect-src", "'self'"), ("object-src", "'none'"), ("base-uri", "'self'"),
    ("form-action", "'self'"), ("frame-ancestors", "'none'"),
]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# HSTS goes out on HTTPS responses only; behind a TLS-terminating proxy, the proxy says which requests were.
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if PRODUCTION else 0
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FANGKONG_LOG_LEVEL", "WARNING")},
}
# Care: hours from a facility's activation to ready (a makeshift hospital 方舱 within 24 h; protocols: each province
# 2-3 makeshift hospitals ready within 2 days), hours a patient may wait for a bed of each tier before the dashboard
# calls it overdue, and the days the forecast looks ahead.
CARE_READY_HOURS = {"makeshift": env_int("FANGKONG_CARE_READY_MAKESHIFT_HOURS", 24),
                    "designated": env_int("FANGKONG_CARE_READY_DESIGNATED_HOURS", 48),
                    "quarantine": env_int("FANGKONG_CARE_READY_QUARANTINE_HOURS", 24),
                    "reserve": env_int("FANGKONG_CARE_READY_RESERVE_HOURS", 48)}
CARE_WAIT_HOURS = {"makeshift": env_int("FANGKONG_CARE_WAIT_MAKESHIFT_HOURS", 24),
                   "designated": env_int("FANGKONG_CARE_WAIT_DESIGNATED_HOURS", 6)}
