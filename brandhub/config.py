"""Configuration in layers: defaults, the instance file, then ``BRANDHUB_*`` variables.

``load_config`` returns a plain dict for ``app.config``; ``validate`` checks it once
at start-up and raises ``ConfigError`` with a message that names the setting.
The domain packages receive typed settings objects built from it
(``storage_settings``, ``ingest_settings``), never the Flask config itself.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from assets.budget import Budget
from assets.settings import IngestSettings
from assets.storage import StorageSettings

DEFAULTS: dict[str, Any] = {
    "INSTITUTION_NAME": "Oficina de Imagen Institucional",
    "INSTITUTION_SHORT_NAME": "BrandHub",
    "INSTITUTION_PRIMARY_COLOR": "#0b5cad",
    "INSTITUTION_ACCENT_COLOR": "#f2a900",
    "INSTITUTION_LOGO_URL": None,
    "DATABASE_URL": None,  # default: sqlite file in the instance folder
    "STORAGE": "local",
    "STORAGE_PATH": None,  # default: instance/storage
    "S3_BUCKET": None,
    "S3_PREFIX": "",
    "S3_ENDPOINT_URL": None,
    "S3_REGION": None,
    "S3_ACCESS_KEY_ID": None,
    "S3_SECRET_ACCESS_KEY": None,
    "S3_ADDRESSING_STYLE": None,
    # "crc32": upload checksums the store verifies; "off" for stores that refuse them.
    "S3_CHECKSUMS": "crc32",
    "S3_PRESIGNED_DOWNLOADS": False,
    "INDEX_PATH": None,  # default: instance/index
    # Apply queued search index changes after each write request (off when a worker drains).
    "SEARCH_DRAIN_INLINE": True,
    "SEARCH_LOCK_TIMEOUT": 30,  # seconds a drain waits for the index before leaving it queued
    # Where the search index lives: "whoosh" (files in INDEX_PATH, one host) or
    # "postgres" (tables in the PostgreSQL database, written in each write's transaction).
    "SEARCH_BACKEND": "whoosh",
    "MAX_UPLOAD_MB": 2048,
    # Resumable (tus) uploads at /api/v1/uploads: hours an unfinished one is kept, how
    # many unfinished ones a person may have, and where their bytes wait (default:
    # instance/uploads).
    "RESUMABLE_UPLOAD_HOURS": 24,
    "MAX_UNFINISHED_UPLOADS": 20,
    "UPLOAD_STAGING_PATH": None,
    # The web drop zone sends each file to /api/v1/uploads in chunks of this many MiB
    # (below a proxy's body limit; a whole S3 part at the default).
    "UPLOAD_CHUNK_MB": 8,
    # On S3, the parts of one resumable upload's request on their way at once: each
    # costs a part (8 MiB) of memory, and one more is being filled.
    "RESUMABLE_PARTS_IN_FLIGHT": 3,
    # Uploads that break an error rule of their agency's brand are refused with the report.
    "COMPLIANCE_BLOCKS_UPLOADS": True,
    # Attempt limits (brandhub/ratelimit.py), each per 10 minutes: that many at once, then
    # one more every 10 minutes / limit. Counted in Redis when REDIS_URL is set, else in
    # the database, so every process and host shares them.
    # Anonymous checks at /verificar and POST /api/v1/compliance/check per address.
    "CHECK_DESK_LIMIT": 20,
    "LOGIN_ATTEMPTS": 10,  # sign-ins to one account from one address
    "LOGIN_ADDRESS_ATTEMPTS": 50,  # sign-ins from one address, to any account
    "SHARE_PASSWORD_ATTEMPTS": 10,  # passwords for one share link from one address
    "SHARE_LINK_ATTEMPTS": 100,  # passwords for one share link from every address
    "RATE_LIMIT_STORE": "",  # "database" or "redis"; default: redis when REDIS_URL is set
    # Anonymous downloads that render (free sizes, presets not made yet, ZIPs in a
    # preset) per address: press kit and share links.
    "RENDER_LIMIT": 30,
    # Reverse proxies in front of the app (nginx, Caddy): limits count the address they
    # forward (X-Forwarded-For) instead of theirs.
    "TRUSTED_PROXIES": 0,
    "MAX_IMAGE_PIXELS": 178_956_970,
    # Budgets for decoding and rendering (assets.budget): each file is checked or rendered
    # in a child process held to this much CPU time, memory growth and waiting time;
    # audio is measured over its first BUDGET_AUDIO_SECONDS. BUDGET_* apply to anonymous
    # requests (check desk, press kit, share links), MEMBER_BUDGET_* to signed-in users,
    # uploads and the worker.
    "BUDGET_ENABLED": True,
    "BUDGET_CPU_SECONDS": 4,
    "BUDGET_MEMORY_MB": 384,
    "BUDGET_WALL_SECONDS": 20,
    "BUDGET_AUDIO_SECONDS": 300,
    "MEMBER_BUDGET_CPU_SECONDS": 60,
    "MEMBER_BUDGET_MEMORY_MB": 2048,
    "MEMBER_BUDGET_WALL_SECONDS": 180,
    "MEMBER_BUDGET_AUDIO_SECONDS": 3600,
    "UPLOAD_TMP_DIR": None,
    "DEFAULT_LOCALE": "es",
    "LOCALES": ["es", "en"],
    "TIMEZONE": "America/Argentina/Buenos_Aires",
    "PER_PAGE": 24,
    # Set BRANDHUB_SESSION_COOKIE_SECURE=true (and the remember cookie too) behind HTTPS.
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": None,
    # Background work (brandhub/jobs): "sqlite" (a queue file in the instance folder),
    # "redis" (set by REDIS_URL), "immediate" (run at once in the web process).
    "JOBS_BACKEND": "",
    "REDIS_URL": None,
    "JOBS_RETRIES": 4,
    "JOBS_RETRY_DELAY": 30,  # seconds before the first retry; doubled for each next one
    # Files larger than this get their video probe, poster and renditions from a job.
    "MEDIA_BACKGROUND_MB": 64,
    # The words in pieces (PDF text layer, SVG text, OCR of images and scanned pages) are
    # read by a background job after each upload: Tesseract's languages, at most this many
    # pages per file and this many seconds of OCR per page.
    "TEXT_EXTRACTION": True,
    "TEXT_LANGUAGES": "spa+eng",
    "TEXT_PAGE_LIMIT": 10,
    "TEXT_PAGE_SECONDS": 60,
    # People: how long an invitation or password-reset link works, and the address the
    # command line and e-mails put in front of it (the web uses the address it was asked at).
    "ACCESS_LINK_DAYS": 7,
    "PUBLIC_URL": "",
    # The brand of the agency ``brandhub init`` creates for the first administrator.
    "DEFAULT_BRAND": "gobierno-provincial",
    # Invitations and reset links are e-mailed only when MAIL_SERVER is set.
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SECURITY": "starttls",  # "starttls", "ssl" or "none"
    "MAIL_FROM": "",
    "MAIL_TIMEOUT": 10,
    # Operations (brandhub/health.py, metrics.py, logs.py): "json" writes one JSON object
    # per log line, each with the request id; /metrics answers a bearer token or the
    # addresses (or networks) allowed; /readyz gives each check this many seconds, trusts
    # a store write for this long, calls an outbox older than this a stopped indexer and
    # gives the same answer again for this long.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    "METRICS_TOKEN": "",
    "METRICS_ALLOW": ["127.0.0.1", "::1"],
    "READY_CHECK_TIMEOUT": 2,
    "READY_WRITE_PROBE_SECONDS": 30,
    "READY_OUTBOX_LAG_SECONDS": 600,
    "READY_CACHE_SECONDS": 1,
}

_BOOL_TRUE = {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """A setting has a value BrandHub cannot use."""


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in _BOOL_TRUE
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError as exc:
            raise ConfigError(f"expected a whole number, got {value!r}") from exc
    if isinstance(default, list):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, ``instance/brandhub.cfg`` (Python syntax) and the environment."""
    config: dict[str, Any] = dict(DEFAULTS)
    config_file = instance_path / "brandhub.cfg"
    if config_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(config_file.read_text("utf-8"), str(config_file), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    for name, value in os.environ.items():
        if not name.startswith("BRANDHUB_") or name == "BRANDHUB_TEST_DATABASE_URL":
            continue
        key = name.removeprefix("BRANDHUB_")
        try:
            config[key] = _coerce(value, config.get(key, ""))
        except ConfigError as exc:
            raise ConfigError(f"{name}: {exc}") from None
    # Short aliases documented in the README.
    if os.environ.get("BRANDHUB_DATABASE_URL"):
        config["DATABASE_URL"] = os.environ["BRANDHUB_DATABASE_URL"]
    if overrides:
        config.update(overrides)
    config.setdefault("SECRET_KEY", None)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(instance_path)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'brandhub.sqlite3'}"
    config.setdefault("STORAGE_PATH", None)
    config["STORAGE_PATH"] = str(config.get("STORAGE_PATH") or instance_path / "storage")
    config["INDEX_PATH"] = str(config.get("INDEX_PATH") or instance_path / "index")
    config["UPLOAD_STAGING_PATH"] = str(
        config.get("UPLOAD_STAGING_PATH") or instance_path / "uploads"
    )
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_MB"]) * 1024 * 1024 + 1024 * 1024
    config["BABEL_DEFAULT_LOCALE"] = config["DEFAULT_LOCALE"]
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
    return config


def _instance_secret(instance_path: Path) -> str:
    """A random key kept in the instance folder, created on first use."""
    path = instance_path / "secret_key"
    if path.is_file():
        return path.read_text("utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def validate(config: dict[str, Any]) -> None:
    storage = config["STORAGE"]
    if storage not in ("local", "s3"):
        raise ConfigError(f"BRANDHUB_STORAGE must be 'local' or 's3', got {storage!r}")
    if storage == "s3" and not config.get("S3_BUCKET"):
        raise ConfigError("BRANDHUB_S3_BUCKET is required when BRANDHUB_STORAGE=s3")
    if config.get("S3_CHECKSUMS", "crc32") not in ("crc32", "off"):
        raise ConfigError("BRANDHUB_S3_CHECKSUMS must be 'crc32' or 'off'")
    if int(config["MAX_UPLOAD_MB"]) <= 0:
        raise ConfigError("BRANDHUB_MAX_UPLOAD_MB must be positive")
    if float(config["RESUMABLE_UPLOAD_HOURS"]) <= 0 or int(config["MAX_UNFINISHED_UPLOADS"]) < 1:
        raise ConfigError(
            "BRANDHUB_RESUMABLE_UPLOAD_HOURS and BRANDHUB_MAX_UNFINISHED_UPLOADS must be positive"
        )
    if int(config["UPLOAD_CHUNK_MB"]) < 1:
        raise ConfigError("BRANDHUB_UPLOAD_CHUNK_MB must be at least 1")
    if int(config["RESUMABLE_PARTS_IN_FLIGHT"]) < 1:
        raise ConfigError("BRANDHUB_RESUMABLE_PARTS_IN_FLIGHT must be at least 1")
    if config["DEFAULT_LOCALE"] not in config["LOCALES"]:
        raise ConfigError("BRANDHUB_DEFAULT_LOCALE must be one of BRANDHUB_LOCALES")
    backend = config.get("JOBS_BACKEND") or ""
    if backend not in ("", "sqlite", "redis", "immediate", "memory"):
        raise ConfigError(
            f"BRANDHUB_JOBS_BACKEND must be 'sqlite', 'redis' or 'immediate', got {backend!r}"
        )
    if backend == "redis" and not config.get("REDIS_URL"):
        raise ConfigError("BRANDHUB_REDIS_URL is required when BRANDHUB_JOBS_BACKEND=redis")
    store = config.get("RATE_LIMIT_STORE") or ""
    if store not in ("", "database", "redis"):
        raise ConfigError(f"BRANDHUB_RATE_LIMIT_STORE must be 'database' or 'redis', got {store!r}")
    if store == "redis" and not config.get("REDIS_URL"):
        raise ConfigError("BRANDHUB_REDIS_URL is required when BRANDHUB_RATE_LIMIT_STORE=redis")
    for name in (
        "CHECK_DESK_LIMIT",
        "LOGIN_ATTEMPTS",
        "LOGIN_ADDRESS_ATTEMPTS",
        "SHARE_PASSWORD_ATTEMPTS",
        "SHARE_LINK_ATTEMPTS",
    ):
        if int(config[name]) < 1:
            raise ConfigError(f"BRANDHUB_{name} must be at least 1")
    if int(config["TRUSTED_PROXIES"]) < 0:
        raise ConfigError("BRANDHUB_TRUSTED_PROXIES cannot be negative")
    for name in ("JOBS_RETRIES", "JOBS_RETRY_DELAY", "MEDIA_BACKGROUND_MB"):
        if int(config[name]) < 0:
            raise ConfigError(f"BRANDHUB_{name} cannot be negative")
    for prefix in ("", "MEMBER_"):
        for part in ("CPU_SECONDS", "MEMORY_MB", "WALL_SECONDS", "AUDIO_SECONDS"):
            name = f"{prefix}BUDGET_{part}"
            if float(config[name]) <= 0:
                raise ConfigError(f"BRANDHUB_{name} must be positive")
    if int(config["ACCESS_LINK_DAYS"]) < 1:
        raise ConfigError("BRANDHUB_ACCESS_LINK_DAYS must be at least 1")
    if int(config["TEXT_PAGE_LIMIT"]) < 1 or float(config["TEXT_PAGE_SECONDS"]) <= 0:
        raise ConfigError("BRANDHUB_TEXT_PAGE_LIMIT and _PAGE_SECONDS must be positive")
    if config.get("MAIL_SECURITY", "starttls") not in ("starttls", "ssl", "none"):
        raise ConfigError("BRANDHUB_MAIL_SECURITY must be 'starttls', 'ssl' or 'none'")
    public = str(config.get("PUBLIC_URL") or "")
    if public and not public.startswith(("http://", "https://")):
        raise ConfigError("BRANDHUB_PUBLIC_URL must start with http:// or https://")
    if str(config.get("LOG_FORMAT") or "text") not in ("text", "json"):
        raise ConfigError("BRANDHUB_LOG_FORMAT must be 'text' or 'json'")
    for name in ("READY_CHECK_TIMEOUT", "READY_WRITE_PROBE_SECONDS", "READY_OUTBOX_LAG_SECONDS"):
        if float(config[name]) <= 0:
            raise ConfigError(f"BRANDHUB_{name} must be positive")
    if float(config["READY_CACHE_SECONDS"]) < 0:
        raise ConfigError("BRANDHUB_READY_CACHE_SECONDS cannot be negative")
    url = str(config["DATABASE_URL"])
    if not url.startswith(("sqlite:", "postgresql")):
        raise ConfigError("BRANDHUB_DATABASE_URL must be a sqlite:// or postgresql:// URL")
    search = config.get("SEARCH_BACKEND") or "whoosh"
    if search not in ("whoosh", "postgres"):
        raise ConfigError(f"BRANDHUB_SEARCH_BACKEND must be 'whoosh' or 'postgres', got {search!r}")
    if search == "postgres" and not url.startswith("postgresql"):
        raise ConfigError(
            "BRANDHUB_SEARCH_BACKEND=postgres needs a PostgreSQL database: set "
            "BRANDHUB_DATABASE_URL to a postgresql:// URL, or use the whoosh backend"
        )


def storage_settings(config: dict[str, Any]) -> StorageSettings:
    return StorageSettings(
        backend=config["STORAGE"],
        local_root=Path(config["STORAGE_PATH"]),
        s3_bucket=config.get("S3_BUCKET"),
        s3_prefix=config.get("S3_PREFIX") or "",
        s3_endpoint_url=config.get("S3_ENDPOINT_URL"),
        s3_region=config.get("S3_REGION"),
        s3_access_key=config.get("S3_ACCESS_KEY_ID"),
        s3_secret_key=config.get("S3_SECRET_ACCESS_KEY"),
        s3_addressing_style=config.get("S3_ADDRESSING_STYLE"),
        s3_checksums=config.get("S3_CHECKSUMS") or "crc32",
    )


def budget(config: dict[str, Any], *, anonymous: bool) -> Budget:
    """The work budget of anonymous requests, or of signed-in users, uploads and the worker."""
    prefix = "BUDGET_" if anonymous else "MEMBER_BUDGET_"
    return Budget(
        cpu_seconds=float(config[f"{prefix}CPU_SECONDS"]),
        memory_mb=int(config[f"{prefix}MEMORY_MB"]),
        wall_seconds=float(config[f"{prefix}WALL_SECONDS"]),
        audio_seconds=float(config[f"{prefix}AUDIO_SECONDS"]),
        enabled=bool(config.get("BUDGET_ENABLED", True)),
    )


def ingest_settings(config: dict[str, Any], *, anonymous: bool = False) -> IngestSettings:
    tmp = config.get("UPLOAD_TMP_DIR")
    return IngestSettings(
        max_upload_bytes=int(config["MAX_UPLOAD_MB"]) * 1024 * 1024,
        max_image_pixels=int(config["MAX_IMAGE_PIXELS"]),
        tmp_dir=Path(tmp) if tmp else None,
        background_bytes=int(config["MEDIA_BACKGROUND_MB"]) * 1024 * 1024,
        budget=budget(config, anonymous=anonymous),
        time_zone=config.get("TIMEZONE") or None,
    )


def generate_password() -> str:
    return secrets.token_urlsafe(12)
