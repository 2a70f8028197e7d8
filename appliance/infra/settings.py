"""One Settings object, read from EBANISTA_* variables and an optional TOML file.

Precedence, lowest first: defaults, the config file (EBANISTA_CONFIG_FILE), the environment,
then the overrides given to create_app(). A bad value raises ConfigError whose message is one
line that starts with the variable's name, so an operator knows exactly what to fix.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from appliance.core.kinds import PLANS
from appliance.infra.private import make_private_folder

PREFIX = "EBANISTA_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """A configuration value that stops start-up; str() is the one line to show."""


class Settings(BaseModel):
    """Everything the program reads from its environment, validated once at start-up."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["appliance", "platform"] = "appliance"
    data_dir: Path = Path("./ebanista-data")
    database_url: str | None = None
    redis_url: str | None = None
    storage_url: str | None = None
    secret_key: str | None = Field(default=None, repr=False)
    encryption_keys: str | None = Field(default=None, repr=False)
    public_url: str = "http://127.0.0.1:8000"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    threads: int = Field(default=8, ge=1, le=64)
    task_workers: int = Field(default=2, ge=1, le=32)
    session_idle_days: int = Field(default=30, ge=1, le=3650)
    default_country: str = Field(default="ES", pattern=r"^[A-Z]{2}$")
    tasks_immediate: bool = False
    smtp_url: str | None = Field(default=None, repr=False)
    mail_from: str = Field(default="Ebanista <no-reply@localhost>", max_length=200)
    # "off" only for load tests and benchmarks: start-up then logs a warning.
    rate_limits: Literal["on", "off"] = "on"
    # Reverse proxies in front of us whose X-Forwarded-For/-Proto are trusted (0: the socket peer is the client).
    trusted_proxies: int = Field(default=0, ge=0, le=10)
    # The WhatsApp Cloud API's Graph base (with its version); tests point it at a local fake.
    whatsapp_graph_url: str = "https://graph.facebook.com/v21.0"
    # An OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama...): unset, no store calls a model.
    ai_base_url: str | None = None
    ai_api_key: str | None = Field(default=None, repr=False)
    # JSON {"<model>": {"input_eur_per_mtok": x, "output_eur_per_mtok": y}} over the built-in table.
    ai_prices: str | None = None
    # "off" for a local server without /moderations (the text then never leaves the operator's machines).
    ai_moderation: Literal["endpoint", "off"] = "endpoint"
    # Operator alerts and metrics (docs/operations.md): Slack incoming webhook, the fallback e-mail
    # address, and the client networks (CIDRs) that may read /metrics without an operator token.
    alert_slack_url: str | None = Field(default=None, repr=False)
    alert_email: str | None = Field(default=None, max_length=254)
    metrics_allow: str = "127.0.0.1/32,::1/128"
    # Events (webhooks, notifications): webhook URLs on private, loopback or link-local addresses are
    # refused unless this is true, and only the appliance honours it (a store's own network); the
    # platform always refuses them.
    webhooks_allow_private: bool = False
    # Billing (appliance.billing, docs/billing.md): Stripe on the platform only; the appliance never calls it.
    stripe_api_key: str | None = Field(default=None, repr=False)
    stripe_webhook_secret: str | None = Field(default=None, repr=False)
    # JSON {"price_id": "plan"}: which Stripe price sells which plan.
    stripe_prices: str | None = None
    # Stripe's API base; tests point it at a local fake.
    stripe_api_base: str = "https://api.stripe.com"
    billing_grace_days: int = Field(default=7, ge=0, le=90)

    # Backups (appliance): where archives go (default <data dir>/backups), how many to keep, and
    # the nightly schedule (the hour is UTC; a PC switched off at night catches up after start).
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1, le=365)
    backup_schedule: Literal["on", "off"] = "on"
    backup_hour: int = Field(default=3, ge=0, le=23)

    @field_validator("stripe_prices")
    @classmethod
    def _check_stripe_prices(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parse_stripe_prices(value)
        return value

    @field_validator("stripe_api_base")
    @classmethod
    def _check_stripe_api_base(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL, e.g. https://api.stripe.com")
        return value.rstrip("/")

    @field_validator("mode", "log_level", "log_format", "rate_limits", "ai_moderation", mode="before")
    @classmethod
    def _fold_case(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return value.upper() if value.upper() in {"DEBUG", "INFO", "WARNING", "ERROR"} else value.lower()

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        return None if value in (None, "") else normalise_database_url(value)

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("storage_url")
    @classmethod
    def _check_storage_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"file", "s3"} or (parts.scheme == "s3" and not parts.netloc):
            raise ValueError("must be file:///path or s3://bucket[/prefix]")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"smtp", "smtps", "smtp+starttls"} or not parts.hostname:
            raise ValueError("must be smtp://[user:password@]host[:port], smtps://... or smtp+starttls://...")
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("whatsapp_graph_url")
    @classmethod
    def _check_whatsapp_graph_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL, e.g. https://graph.facebook.com/v21.0")
        return value.rstrip("/")

    @field_validator("ai_base_url")
    @classmethod
    def _check_ai_base_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL, e.g. https://api.openai.com/v1")
        return value.rstrip("/")

    @field_validator("ai_prices")
    @classmethod
    def _check_ai_prices(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parse_prices(value)
        return value

    @field_validator("alert_slack_url")
    @classmethod
    def _check_alert_slack_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http(s):// URL, e.g. https://hooks.slack.com/services/...")
        return value

    @field_validator("alert_email")
    @classmethod
    def _check_alert_email(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if "@" not in value or any(c.isspace() for c in value):
            raise ValueError("must be one e-mail address, e.g. ops@example.com")
        return value

    @field_validator("metrics_allow")
    @classmethod
    def _check_metrics_allow(cls, value: str) -> str:
        parse_networks(value)
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _check_encryption_keys(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        for key in split_keys(value):
            try:
                Fernet(key)
            except ValueError:
                raise ValueError("each comma-separated key must be a Fernet key (32 url-safe base64 bytes)") from None
        return value

    @property
    def is_platform(self) -> bool:
        """Tell whether this process serves many tenants (PostgreSQL, Redis, S3)."""
        return self.mode == "platform"

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the database is SQLite (one writer; pragmas matter)."""
        return str(self.database_url).startswith("sqlite")


PRICE_KEYS = ("input_eur_per_mtok", "output_eur_per_mtok")


def parse_prices(value: str) -> dict[str, dict[str, float]]:
    """Return EBANISTA_AI_PRICES as {model: {input_eur_per_mtok, output_eur_per_mtok}}; raise ValueError."""
    try:
        table = json.loads(value)
    except ValueError:
        raise ValueError('must be JSON such as {"gpt-4.1-mini": {"input_eur_per_mtok": 0.37, ...}}') from None
    if not isinstance(table, dict):
        raise ValueError("must be a JSON object of models")
    for model, price in table.items():
        if not isinstance(price, dict) or set(price) != set(PRICE_KEYS):
            raise ValueError(f"{model}: give exactly input_eur_per_mtok and output_eur_per_mtok")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in price.values()):
            raise ValueError(f"{model}: prices are numbers of euros per million tokens, 0 or more")
    return {model: {k: float(v) for k, v in price.items()} for model, price in table.items()}


def parse_networks(value: str) -> list[IPv4Network | IPv6Network]:
    """Return the networks of a comma-separated CIDR list (EBANISTA_METRICS_ALLOW); raise ValueError."""
    try:
        return [ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ValueError("must be a comma-separated list of addresses or CIDRs, e.g. 127.0.0.1/32,10.0.0.0/8") from None


def parse_stripe_prices(value: str) -> dict[str, str]:
    """Return EBANISTA_STRIPE_PRICES as {price_id: plan}; raise ValueError."""
    try:
        table = json.loads(value)
    except ValueError:
        raise ValueError('must be JSON such as {"price_123": "pro"}') from None
    if not isinstance(table, dict) or not all(isinstance(k, str) and k for k in table):
        raise ValueError("must be a JSON object of Stripe price ids")
    for price, plan in table.items():
        if plan not in PLANS:
            raise ValueError(f"{price}: the plan must be one of {', '.join(PLANS)}")
    return dict(table)


def split_keys(value: str) -> list[str]:
    """Return the non-empty keys of a comma-separated key list, newest first as written."""
    return [k.strip() for k in value.split(",") if k.strip()]


def normalise_database_url(value: str) -> str:
    """Accept plain sqlite:/// and postgresql:// URLs and name the driver we ship (psycopg 3)."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("is not a database URL (expected sqlite:///path or postgresql://user@host/db)") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("needs a file path, e.g. sqlite:///./ebanista-data/ebanista.db")
        return url.render_as_string(hide_password=False)
    if backend in {"postgresql", "postgres"}:
        if not url.database:
            raise ValueError("needs a database name, e.g. postgresql://user@host:5432/ebanista")
        url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    raise ValueError(f"must be a sqlite:/// or postgresql:// URL (got scheme {url.drivername!r})")


def load_settings(environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Read, validate and complete the settings; raise ConfigError naming the bad variable."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    config_file = (overrides or {}).get("config_file") or environ.get(PREFIX + "CONFIG_FILE")
    if config_file:
        raw.update(_read_config_file(Path(config_file)))
    raw.update(_read_environ(environ))
    raw.update({k: v for k, v in (overrides or {}).items() if k != "config_file"})
    unknown = sorted(set(raw) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{_var(unknown[0])}: unknown setting")
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    return _complete(settings)


def _read_environ(environ: Mapping[str, str]) -> dict[str, str]:
    # Only names that match a field are read; other EBANISTA_* variables (such as the test
    # suite's EBANISTA_TEST_*) belong to other tools and are not errors.
    fields = {PREFIX + name.upper(): name for name in Settings.model_fields}
    return {fields[k]: v for k, v in environ.items() if k in fields}


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"EBANISTA_CONFIG_FILE: cannot read {path} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"EBANISTA_CONFIG_FILE: {path} is not valid TOML ({exc})") from None
    return {str(k).lower(): v for k, v in data.items()}


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "config"
    message = error["msg"].removeprefix("Value error, ")
    got = error.get("input")
    secret = {"secret_key", "encryption_keys", "database_url", "redis_url", "smtp_url", "ai_api_key", "alert_slack_url"}
    secret = {"secret_key", "encryption_keys", "database_url", "redis_url", "smtp_url", "ai_api_key"}
    secret |= {"stripe_api_key", "stripe_webhook_secret"}
    shown = "" if name in secret else f" (got {got!r})"
    return f"{_var(name)}: {message}{shown}"


def _var(name: str) -> str:
    return PREFIX + name.upper()


def _complete(settings: Settings) -> Settings:
    """Fill the defaults that depend on the mode and the data directory."""
    if settings.alert_email and not settings.smtp_url:
        raise ConfigError("EBANISTA_ALERT_EMAIL: alerts by e-mail need EBANISTA_SMTP_URL too")
    if settings.is_platform:
        _require_platform(settings)
        return settings
    data_dir = settings.data_dir.expanduser().resolve()
    updates: dict[str, Any] = {"data_dir": data_dir}
    if not settings.database_url:
        updates["database_url"] = normalise_database_url(f"sqlite:///{data_dir / 'ebanista.db'}")
    if not settings.storage_url:
        updates["storage_url"] = (data_dir / "files").as_uri()
    if not settings.secret_key:
        updates["secret_key"] = _appliance_secret(data_dir)
    return settings.model_copy(update=updates)


def _require_platform(settings: Settings) -> None:
    if not settings.database_url:
        raise ConfigError("EBANISTA_DATABASE_URL: platform mode requires a postgresql:// URL")
    if settings.is_sqlite:
        raise ConfigError("EBANISTA_DATABASE_URL: platform mode requires PostgreSQL, not SQLite")
    if not settings.redis_url:
        raise ConfigError("EBANISTA_REDIS_URL: platform mode requires a redis:// URL")
    if not settings.secret_key:
        raise ConfigError("EBANISTA_SECRET_KEY: platform mode requires a secret key")
    if len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise ConfigError(f"EBANISTA_SECRET_KEY: must be at least {MIN_SECRET_LENGTH} characters long")


def _appliance_secret(data_dir: Path) -> str:
    """Return the appliance's secret key, generating it on first start (kept beside the data)."""
    path = data_dir / SECRET_KEY_FILE
    try:
        make_private_folder(data_dir)
        if not path.exists():
            # O_EXCL makes two processes starting at once agree on a single key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text(encoding="utf-8").strip()
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"EBANISTA_DATA_DIR: cannot use {data_dir} ({exc.strerror})") from None
