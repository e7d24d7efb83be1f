"""Configuration: defaults overridden by the environment, then by test_config."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import tempfile
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"

# A unix socket path must fit in sockaddr_un (108 bytes including the NUL).
_MAX_SOCKET_PATH = 100


def instance_path() -> Path:
    """Where the SQLite file, the embedded Redis and generated files live."""
    return Path(os.environ.get("ARCHIVE_JOBS_INSTANCE", DEFAULT_INSTANCE_PATH)).resolve()


def embedded_redis_socket(instance: Path) -> Path:
    """Socket of the embedded Redis; falls back to /tmp when the instance path is too long."""
    socket = instance / "redis.sock"
    if len(str(socket)) <= _MAX_SOCKET_PATH:
        return socket
    digest = hashlib.sha1(str(instance).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"archive-jobs-{digest}.sock"


class WeakSettings(SystemExit):
    """Production refuses to start on a setting anyone could guess: the message, exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Archive Jobs will not start: {message}")


# The SECRET_KEY printed in deploy/env.example: anyone can read it, whatever its estimate. A key
# that holds it (in any case, quoted, with something added) is refused.
PUBLISHED_SECRETS = ("change-me-to-a-long-random-string",)
MIN_SECRET_BYTES = 32
# Session cookies are signed with the key: below ~128 bits of randomness it could be searched.
MIN_SECRET_BITS = 128
_REPEAT_MIN, _REPEAT_BITS = 3, 12  # a repeat of 3+ characters costs its position and length
_ANALYSED = 1024


def production() -> bool:
    return os.environ.get("ARCHIVE_JOBS_ENV", "development") == "production"


def secret_bits(key: str) -> int:
    """Estimated bits of randomness in ``key``, measured on its shape rather than against a list.

    Case, quotes and surrounding spaces add nothing (a guesser tries them first); a repeat of
    earlier text counts as one short reference (an LZ77 parse, as a compressor would see it);
    what is left counts its Shannon entropy per character. Random keys lose little: 64 hex
    characters (``secrets.token_hex(32)``) estimate 220+ bits, ``token_urlsafe(32)`` 165+.
    32 hex characters (16 random bytes) hold at most 128 and estimate less: refused, like any key
    whose randomness can't be told from a pattern's. A sentence of words can pass: only a key from
    a random generator is safe."""
    text = _bare(key)[:_ANALYSED]  # (a parse in O(n²): 1,024 characters say enough)
    literals: list[str] = []
    repeats = position = 0
    while position < len(text):
        length = _repeat_length(text, position)
        if length >= _REPEAT_MIN:
            repeats += 1
            position += length
        else:
            literals.append(text[position])
            position += 1
    counts = Counter(literals)
    shannon = -sum(n * math.log2(n / len(literals)) for n in counts.values())
    return int(shannon + repeats * _REPEAT_BITS)


def _bare(key: str) -> str:
    text = key.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text.casefold()


def _repeat_length(text: str, position: int) -> int:
    """Length of the longest run from ``position`` that also starts earlier (overlaps allowed)."""
    length = 0
    while position + length < len(text):
        run = text[position : position + length + 1]
        if text.find(run, 0, position + length) < 0:  # (an earlier start ends before the run does)
            break
        length += 1
    return length


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else (development only) one generated once and kept
    in the instance folder. In production a missing, short, published or patterned key stops the
    start: with a guessable key, anyone can forge a session cookie (an administrator's)."""
    key = os.environ.get("SECRET_KEY", "")
    if production():
        if not key:
            raise WeakSettings("SECRET_KEY must be set when ARCHIVE_JOBS_ENV=production.")
        bits = secret_bits(key)
        published = any(example in _bare(key) for example in PUBLISHED_SECRETS)
        if published or len(key.encode()) < MIN_SECRET_BYTES or bits < MIN_SECRET_BITS:
            raise WeakSettings(
                f"SECRET_KEY is too easy to guess: an example value or shorter than {MIN_SECRET_BYTES} bytes, "
                f"or too regular to be random (about {bits} bits of randomness, {MIN_SECRET_BITS} needed). "
                'Make a random one: python -c "import secrets; print(secrets.token_hex(32))".'
            )
        return key
    if key:
        return key
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _secure_cookies() -> bool:
    """Secure session cookies: in production unless SESSION_COOKIE_SECURE=0 says otherwise on
    purpose (a site without HTTPS); elsewhere only with SESSION_COOKIE_SECURE=1."""
    wanted = os.environ.get("SESSION_COOKIE_SECURE", "")
    return wanted != "0" if production() else wanted == "1"


def finding_aid_processes() -> int:
    """WeasyPrint helper processes for big finding aids: two where there are two cores (lanes side by side)."""
    return int(os.environ.get("FINDING_AID_PROCESSES") or min(2, os.cpu_count() or 1))


def finding_aid_tagged_max() -> int:
    """Finding aids of up to this many descriptions are tagged PDFs: the structure tree costs the
    joining process ~75 KB per description; bigger ones keep their bookmarks, within the worker's memory."""
    return int(os.environ.get("FINDING_AID_TAGGED_MAX") or 5000)


def load(instance: Path) -> dict:
    """Settings every process (web, worker, CLI) agrees on."""
    env = os.environ.get
    redis_url = env("REDIS_URL") or f"unix://{embedded_redis_socket(instance)}?db=0"
    broker_url = env("BROKER_URL", "")
    broker = "rabbitmq" if broker_url.startswith(("amqp://", "amqps://")) else "redis"
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL") or f"sqlite:///{instance / 'archive-jobs.db'}",
        # SQLite's page cache per connection (its default, 2 MB, makes a big import re-read its indexes).
        "SQLITE_CACHE_MB": int(env("SQLITE_CACHE_MB", "16")),
        "REDIS_URL": redis_url,
        # Short: a web request must learn quickly that Redis is away (seconds).
        "REDIS_CONNECT_TIMEOUT": float(env("REDIS_CONNECT_TIMEOUT", "2")),
        "REDIS_SOCKET_TIMEOUT": float(env("REDIS_SOCKET_TIMEOUT", "10")),
        "REDIS_EMBEDDED": not env("REDIS_URL") and broker == "redis",
        "BROKER_URL": broker_url,
        "JOBS_NAMESPACE": env("JOBS_NAMESPACE", "archive-jobs"),
        "JOBS_BROKER": env("JOBS_BROKER", broker),
        "JOBS_PER_PAGE": int(env("JOBS_PER_PAGE", "25")),
        "JOBS_OUTPUT_CAP": int(env("JOBS_OUTPUT_CAP", str(256 * 1024))),
        "JOBS_OUTPUT_HARD_LIMIT": int(env("JOBS_OUTPUT_HARD_LIMIT", str(50 * 1024 * 1024))),
        "JOBS_OUTPUT_FLUSH_SECONDS": float(env("JOBS_OUTPUT_FLUSH_SECONDS", "1.0")),
        # A job waiting for a record lock (or its type's turn) looks again this often.
        "JOBS_WAIT_RETRY_SECONDS": float(env("JOBS_WAIT_RETRY_SECONDS", "2")),
        "WORKER_HEARTBEAT_SECONDS": float(env("WORKER_HEARTBEAT_SECONDS", "5")),
        # Longest pause of an idle worker between queue polls: bounds launch-to-Running latency.
        # Queues this worker consumes (comma-separated); empty: all of them.
        "WORKER_QUEUES": [q.strip() for q in env("WORKER_QUEUES", "").split(",") if q.strip()],
        "WORKER_POLL_MS": int(env("WORKER_POLL_MS", "20")),
        "JOBS_SEARCH_WINDOW": int(env("JOBS_SEARCH_WINDOW", "20000")),
        "JOBS_BULK_RETRY_LIMIT": int(env("JOBS_BULK_RETRY_LIMIT", "1000")),
        # Inactive jobs older than this many days are archived and pruned every night; unset or 0: kept until cleared.
        "JOBS_RETENTION_DAYS": int(env("JOBS_RETENTION_DAYS") or 0) or None,
        "FINDING_AID_PROCESSES": finding_aid_processes(),
        "FINDING_AID_TAGGED_MAX": finding_aid_tagged_max(),
        "WORKER_BROKER_WAIT_SECONDS": float(env("WORKER_BROKER_WAIT_SECONDS", "30")),
        "WORKER_MAX_JOBS": int(env("WORKER_MAX_JOBS", "500")),
        "WORKER_MAX_MEMORY_MB": int(env("WORKER_MAX_MEMORY_MB", "1024")),
        # How long a stopping worker lets running jobs finish before interrupting them.
        "WORKER_SHUTDOWN_SECONDS": float(env("WORKER_SHUTDOWN_SECONDS", "2")),
        # How long a worker keeps trying to save a job's outcome while the database is away.
        "WORKER_DB_RETRY_SECONDS": float(env("WORKER_DB_RETRY_SECONDS", "300")),
        "SITE_TIMEZONE": env("SITE_TIMEZONE", "UTC"),
        "LANGUAGES": {"en": "English", "fr": "Français"},
        "BABEL_DEFAULT_LOCALE": "en",
        # werkzeug's generate_password_hash method for new passwords (tests use a fast one);
        # hashes made with another method still verify.
        "PASSWORD_HASH_METHOD": env("PASSWORD_HASH_METHOD", "scrypt"),
        "LOGIN_MAX_FAILURES": int(env("LOGIN_MAX_FAILURES", "5")),
        # Failures are remembered this long; beyond LOGIN_MAX_FAILURES free ones, an address
        # waits 1, 2, 4 ... seconds (at most LOGIN_MAX_DELAY_SECONDS) between tries at an account.
        "LOGIN_LOCKOUT_MINUTES": int(env("LOGIN_LOCKOUT_MINUTES", "15")),
        "LOGIN_MAX_DELAY_SECONDS": int(env("LOGIN_MAX_DELAY_SECONDS", "300")),
        # Proxies in front that set X-Forwarded-For/-Proto/-Host (nginx: 1); 0 trusts no header.
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _secure_cookies(),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        # Largest import file (CLI and web; a web upload is also bounded by MAX_CONTENT_LENGTH).
        "IMPORT_MAX_FILE_BYTES": int(env("IMPORT_MAX_FILE_BYTES", str(64 * 1024 * 1024))),
        **_mail(env),
    }


def _mail(env) -> dict:
    """SMTP for the notices' e-mails (docs/notifications.md); no MAIL_SERVER: notices in the app only."""
    return {
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT") or 25),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "").lower() in ("1", "true", "yes", "on"),
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER") or "archive-jobs@localhost",
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT") or 10),
        "MAIL_BACKEND": "smtp",  # (Flask-Mailman's default under TESTING keeps mail in memory: tests use a real server)
        # An SMTP server away: the e-mail again after 30 s, 60 s, 120 s ... (at most an hour), this many times.
        "MAIL_RETRY_SECONDS": float(env("MAIL_RETRY_SECONDS") or 30),
        "MAIL_MAX_ATTEMPTS": int(env("MAIL_MAX_ATTEMPTS") or 12),
        # Where the e-mails' links point (the site as its users reach it).
        "SITE_URL": env("SITE_URL") or "http://127.0.0.1:5000",
    }
