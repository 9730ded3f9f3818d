"""The gateway's configuration: a TOML file, validated whole at start-up.

Every key has a default except each platform's ``base_url``. An unknown key, a wrong type or a missing
``base_url`` raises :class:`ConfigError` with a one-line message that names the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

Scheme = Literal["SEMI_BANSOS_2020", "NORMAL_2023"]


POSITIVE = {"positive": True}
"""Field metadata: zero is no value for it (a refresh interval of 0 would read the feeds in a busy loop)."""


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the offending key."""


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = field(default=8000, metadata={"max": 65535})
    workers: int = field(default=1, metadata=POSITIVE)
    cors_origins: tuple[str, ...] = ()
    graphiql: bool = True
    ui: bool = True
    """The participants' comparison page at ``/``."""
    fast_path: bool = True
    """Answer the operations it covers without graphql-core's execution (schema.fast); false only to compare."""
    read_timeout_s: float = field(default=10.0, metadata=POSITIVE)
    """How long a client may take to send a request's head, and its body again: a slow client is cut off."""


@dataclass(frozen=True)
class CatalogueConfig:
    refresh_interval_s: float = field(default=300.0, metadata=POSITIVE)
    stale_after_s: float = field(default=900.0, metadata=POSITIVE)
    snapshot_file: str = ""
    default_scheme: Scheme = "NORMAL_2023"


@dataclass(frozen=True)
class ParticipantsConfig:
    base_url: str = "http://127.0.0.1:9100"
    timeout_s: float = field(default=3.0, metadata=POSITIVE)
    cache_ttl_s: float = 30.0


@dataclass(frozen=True)
class LimitsConfig:
    max_depth: int = field(default=12, metadata=POSITIVE)
    max_aliases: int = 30
    max_tokens: int = field(default=3000, metadata=POSITIVE)
    max_body_bytes: int = field(default=1_048_576, metadata=POSITIVE)
    max_compare_ids: int = field(default=20, metadata=POSITIVE)
    rate_limit_per_minute: int = 0


@dataclass(frozen=True)
class ClusterConfig:
    redis_url: str = field(default="", repr=False)  # may carry a password


@dataclass(frozen=True)
class PlatformConfig:
    slug: str
    base_url: str
    name: str = ""
    adapter: str = ""
    timeout_s: float = field(default=10.0, metadata=POSITIVE)
    enabled: bool = True
    suspended: bool = False
    api_key: str = field(default="", repr=False)
    api_key_env: str = ""

    @property
    def adapter_name(self) -> str:
        return self.adapter or self.slug


@dataclass(frozen=True)
class Config:
    server: ServerConfig = ServerConfig()
    catalogue: CatalogueConfig = CatalogueConfig()
    participants: ParticipantsConfig = ParticipantsConfig()
    limits: LimitsConfig = LimitsConfig()
    cluster: ClusterConfig = ClusterConfig()
    platforms: tuple[PlatformConfig, ...] = ()

    @property
    def enabled_platforms(self) -> tuple[PlatformConfig, ...]:
        return tuple(p for p in self.platforms if p.enabled)


_Section = TypeVar("_Section")
_SECTIONS = {"server": ServerConfig, "catalogue": CatalogueConfig, "participants": ParticipantsConfig,
             "limits": LimitsConfig, "cluster": ClusterConfig}


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a TOML configuration file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {os.fspath(path)!r}: {exc.strerror}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {os.fspath(path)!r} is not valid TOML: {exc}") from None
    return parse_config(document)


def parse_config(document: Mapping[str, Any]) -> Config:
    """Validate an already-decoded configuration document."""
    unknown = set(document) - set(_SECTIONS) - {"platforms"}
    if unknown:
        raise ConfigError(f"unknown key {sorted(unknown)[0]!r}")
    sections: dict[str, Any] = {name: _section(cls, document.get(name, {}), name) for name, cls in _SECTIONS.items()}
    platforms = document.get("platforms", {})
    if not isinstance(platforms, Mapping):
        raise ConfigError("'platforms' must be a table of platform sections")
    return Config(**sections, platforms=tuple(_platform(slug, table) for slug, table in platforms.items()))


def _platform(slug: str, table: Any) -> PlatformConfig:
    where = f"platforms.{slug}"
    if not isinstance(table, Mapping):
        raise ConfigError(f"'{where}' must be a table")
    if "base_url" not in table:
        raise ConfigError(f"'{where}.base_url' is required")
    platform = _section(PlatformConfig, {**table, "slug": slug}, where)
    platform = replace(platform, base_url=platform.base_url.rstrip("/"))
    if not platform.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"'{where}.base_url' must be an http:// or https:// URL")
    if platform.api_key_env:
        key = os.environ.get(platform.api_key_env)
        if key is None:
            raise ConfigError(f"'{where}.api_key_env' names {platform.api_key_env!r}, which is not set")
        platform = replace(platform, api_key=key)
    return platform


def _section(cls: type[_Section], table: Any, where: str) -> _Section:
    if not isinstance(table, Mapping):
        raise ConfigError(f"'{where}' must be a table")
    hints = get_type_hints(cls)
    known = {f.name: f.metadata for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"unknown key '{where}.{key}'")
        values[key] = _bounded(_checked(value, hints[key], f"{where}.{key}"), known[key], f"{where}.{key}")
    return cls(**values)


def _bounded(value: Any, bounds: Mapping[str, Any], key: str) -> Any:
    if bounds.get("positive") and value <= 0:
        raise ConfigError(f"'{key}' must be greater than 0")
    if "max" in bounds and value > bounds["max"]:
        raise ConfigError(f"'{key}' must be at most {bounds['max']}")
    return value


def _checked(value: Any, hint: Any, key: str) -> Any:
    origin = get_origin(hint)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise ConfigError(f"'{key}' must be one of {', '.join(map(repr, allowed))}")
        return value
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"'{key}' must be a list of strings")
        return tuple(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"'{key}' must be a non-negative number")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"'{key}' must be a non-negative whole number")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"'{key}' must be true or false")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string")
        return value.strip()
    raise TypeError(f"unsupported configuration type {hint!r} for {key}")  # a programming error


__all__ = [
    "CatalogueConfig",
    "Config",
    "ConfigError",
    "LimitsConfig",
    "ParticipantsConfig",
    "PlatformConfig",
    "Scheme",
    "ServerConfig",
    "load_config",
    "parse_config",
]
