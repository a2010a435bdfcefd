"""Settings for PTĐV: one module, driven by environment variables (see .env.example)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes be subscripted at run time (ModelAdmin[Org]) for type checking.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from .env (if present) without overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip().strip("\"'")
        if value:  # an empty line in .env means "use the default"
            os.environ.setdefault(key.strip(), value)


if "pytest" not in sys.modules:
    _load_env_file(BASE_DIR / ".env")
VAR_DIR = BASE_DIR / os.environ.get("PTDV_VAR_DIR", "var")  # relative to the checkout


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envcount(name: str, default: str) -> int:
    """Return a non-negative integer (a number of months, of years ...)."""
    value = envint(name, default)
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {value}")
    return value


DEBUG = envbool("DEBUG", "false")
TESTING = envbool("PTDV_TESTING", "false") or "pytest" in sys.modules


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or a per-installation key kept in var/."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    # A local installation (make run) gets a random key generated once and kept beside its
    # database, so sessions survive restarts and no secret lives in the repository.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.utils.crypto import get_random_string

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_string(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.environ.get("PTDV_SITE_NAME", "PTĐV")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "treebeard",
    "simple_history",
    "axes",
    "csp",
    "ninja",
    "ptdv.core",
    "ptdv.orgs",
    "ptdv.people",
    "ptdv.access",
    "ptdv.alerts",
    "ptdv.members",
    "ptdv.pipeline",
    "ptdv.targets",
    "ptdv.reports",
    "ptdv.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, saving an unchanged session every few minutes, not on every page.
    "ptdv.access.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "ptdv.access.middleware.LoginRequiredMiddleware",
    # AxesMiddleware must be last (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ptdv.urls"
WSGI_APPLICATION = "ptdv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ptdv.access.context_processors.navigation",
            ],
        },
    }
]

# Database: SQLite in var/ unless DATABASE_URL is set. The test suite may be pointed at
# PostgreSQL with PTDV_TEST_DATABASE_URL without touching the development database.
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db_url = f"sqlite:///{VAR_DIR / 'ptdv.sqlite3'}"
_db_url = os.environ.get("DATABASE_URL", _default_db_url)
if TESTING and os.environ.get("PTDV_TEST_DATABASE_URL"):
    _db_url = os.environ["PTDV_TEST_DATABASE_URL"]
DATABASES = {
    "default": dj_database_url.parse(_db_url, conn_max_age=envint("DB_CONN_MAX_AGE", "60"))
}
if TESTING and os.environ.get("PTDV_TEST_DB_SUFFIX"):
    # Lets several test runs share one PostgreSQL server without colliding.
    DATABASES["default"]["TEST"] = {"NAME": f"test_ptdv_{os.environ['PTDV_TEST_DB_SUFFIX']}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, plus the planner's statistics kept up to date (ptdv.core.sqlite.base).
    DATABASES["default"]["ENGINE"] = "ptdv.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer writes; IMMEDIATE transactions avoid
        # "database is locked" upgrades from read to write locks under concurrency.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else 600
    # The pipeline's path indexes carry extra columns for PostgreSQL's index-only scans (D48);
    # SQLite builds them on their key columns alone, which serve it: not worth a warning on
    # every `migrate`.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    if TESTING:
        # A file, not Django's shared-cache in-memory database: the browser tests' live server
        # thread and the test thread then lock through SQLite's file locks, which wait
        # (busy_timeout) instead of failing with "database table is locked".
        import tempfile

        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"ptdv-test-{os.getpid()}.sqlite3")
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query with its JIT when the query's estimated cost is high, which
    # the aggregate reads of a large unit are: 10-20 ms of compiling a query that then runs in
    # tens of milliseconds (decision D45). PTDV_PG_JIT=on restores the server's default.
    pg_options = [] if envbool("PTDV_PG_JIT", "false") else ["-c jit=off"]
    # A query planned with parallel workers starts them on every run: 10-15 ms where the scan
    # itself takes a fraction of a millisecond (the members counted in the nation's own cells,
    # none, planned for hundreds), and on two cores serving many users at once the workers only
    # take turns with the other requests (decision D61). PTDV_PG_PARALLEL_WORKERS=N allows N
    # per query (the server's default is 2).
    parallel = int(os.environ.get("PTDV_PG_PARALLEL_WORKERS", "0"))
    pg_options.append(f"-c max_parallel_workers_per_gather={parallel}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(pg_options)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing in tests only (healthchecks does the same).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Same rule as Django's, with a Vietnamese message (Django's catalogue lags behind).
        "NAME": "ptdv.access.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "access:login"

# Sessions: expire after inactivity and when the browser closes (shared office PCs).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
# The idle timeout: ptdv.access.middleware.SessionMiddleware saves an unchanged session again
# once PTDV_SESSION_REFRESH_SECONDS have passed since its last save (not on every request).
SESSION_SAVE_EVERY_REQUEST = False
PTDV_SESSION_REFRESH_SECONDS = envint("PTDV_SESSION_REFRESH_SECONDS", "300")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = envbool("SECURE_COOKIES", "false")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
if envbool("BEHIND_PROXY", "false"):
    # Only behind a reverse proxy that sets these headers itself (see README).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# django-axes: lock an account+IP pair after repeated failures.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "access/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = envint("AXES_PROXY_COUNT", "0")

# Content Security Policy (django-csp 4): everything is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "ptdv" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ptdv.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Serve from the finders without a collected STATIC_ROOT (no warning when var/static is absent).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# The admission rules' open choices (pipeline.rules.RulesConfig; DOMAIN.md marks them [?] or
# [I]). The defaults here are RulesConfig's own (a test checks they agree); the services read
# this dict through pipeline.config.rules_config(), so a deployment changes a rule here.
PTDV_RULES = {
    # AUTHORITY: false turns the deciding-committee check off (army, police; decision D18).
    "check_decision_authority": envbool("PTDV_RULES_CHECK_DECISION_AUTHORITY", "true"),
    "upper_age_mode": envchoice("PTDV_RULES_UPPER_AGE_MODE", "day", ("day", "month")),
    "age_warning_months": envcount("PTDV_RULES_AGE_WARNING_MONTHS", "3"),
    "youth_age_min_years": envcount("PTDV_RULES_YOUTH_AGE_MIN_YEARS", "16"),
    "youth_age_max_years": envcount("PTDV_RULES_YOUTH_AGE_MAX_YEARS", "30"),
    "certificate_validity_months": envcount("PTDV_RULES_CERTIFICATE_VALIDITY_MONTHS", "60"),
    "certificate_warning_months": envcount("PTDV_RULES_CERTIFICATE_WARNING_MONTHS", "3"),
    "readmit_hardship_exception": envbool("PTDV_RULES_READMIT_HARDSHIP_EXCEPTION", "true"),
    "committee_failure_goes_up": envbool("PTDV_RULES_COMMITTEE_FAILURE_GOES_UP", "false"),
    # VOTE-ELECTORATE: whether members exempted from activity count among a cell's voters.
    "electorate_counts_exempted": envbool("PTDV_RULES_ELECTORATE_COUNTS_EXEMPTED", "false"),
    "recognition_failures_go_up": envbool("PTDV_RULES_RECOGNITION_FAILURES_GO_UP", "true"),
    "month_end": envchoice("PTDV_RULES_MONTH_END", "clamp", ("clamp", "overflow")),
}

# The member registry's open choice (DOMAIN §8 q10): which date counts an admission in a
# period's figures, the ceremony (the day the member enters the roll) or the decision.
PTDV_MEMBERS_ADMISSION_DATE = envchoice(
    "PTDV_MEMBERS_ADMISSION_DATE", "ceremony", ("ceremony", "decision")
)
# The cap on "excellent" ratings per grassroots organisation, in % of those rated "good"
# (21-HD/BTCTW 2019; 124-QĐ/TW). 366-QĐ/TW (30/8/2025) changed the scheme and whether the cap
# survives is open (DOMAIN §8 q11): 0 switches the warning off.
PTDV_MEMBERS_RATING_CAP_PERCENT = envcount("PTDV_MEMBERS_RATING_CAP_PERCENT", "20")
# How the statistical tables print percentages to two decimals: "round" (half up) or
# "truncate", as some sources do (DOMAIN §7: 7.4255 % printed 7.42 %).
PTDV_REPORTS_ROUNDING = envchoice("PTDV_REPORTS_ROUNDING", "round", ("round", "truncate"))
# The cells that admitted nobody for years are listed one by one under a unit with at most this
# many cells; above it the dashboard and the target page count them per unit below.
PTDV_IDLE_LIST_LIMIT = envcount("PTDV_IDLE_LIST_LIMIT", "1000")
# The targets' forecast (decision D40): the years of history that give a unit's pace and its
# pass-through rates, the fewest resolved cases a rate needs before it replaces the default,
# and the default rates in percent (a case awaiting its decision / its ceremony goes on).
PTDV_TARGETS = {
    "pace_years": envcount("PTDV_TARGETS_PACE_YEARS", "3"),
    "min_history": envcount("PTDV_TARGETS_MIN_HISTORY", "10"),
    "default_decision_percent": envcount("PTDV_TARGETS_DEFAULT_DECISION_PERCENT", "90"),
    "default_ceremony_percent": envcount("PTDV_TARGETS_DEFAULT_CEREMONY_PERCENT", "95"),
}

# Alerts (D42): how many days ahead the digest page and the e-mailed digest (`ptdv remind`)
# list what is due; overdue and at-risk items are always listed.
PTDV_ALERTS_PAGE_DAYS = envcount("PTDV_ALERTS_PAGE_DAYS", "30")
PTDV_ALERTS_EMAIL_DAYS = envcount("PTDV_ALERTS_EMAIL_DAYS", "7")
# How many items of each urgency the digest (page and e-mail) lists; the rest are counted.
PTDV_ALERTS_LIST_LIMIT = envcount("PTDV_ALERTS_LIST_LIMIT", "100")
# The address the e-mails link back to (no request to take it from): "https://ptdv.example.vn".
PTDV_SITE_URL = os.environ.get("PTDV_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail (`ptdv remind`). Offline-safe default: messages are written to the console; set
# EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST ... to send, or
# to ...filebased.EmailBackend with EMAIL_FILE_PATH to keep them as files.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "PTĐV <ptdv@localhost>"
