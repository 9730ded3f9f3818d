"""The configuration file: defaults, validation, and messages that name the offending key."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, load_config, parse_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_has_a_default_but_base_url(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[platforms.tokopedia]\nbase_url = "http://127.0.0.1:9101/"\n'))
    assert config.server.port == 8000
    assert config.server.ui is True
    assert config.catalogue.refresh_interval_s == 300
    assert config.catalogue.default_scheme == "NORMAL_2023"
    assert config.limits.max_compare_ids == 20
    (platform,) = config.platforms
    assert platform.base_url == "http://127.0.0.1:9101"  # a trailing slash would double up with feed paths
    assert platform.adapter_name == "tokopedia"
    assert platform.enabled and not platform.suspended


def test_the_full_example_of_the_spec_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
[server]
host = "0.0.0.0"
port = 8080
cors_origins = ["https://app.example"]
ui = false
[catalogue]
refresh_interval_s = 60
stale_after_s = 180.5
default_scheme = "SEMI_BANSOS_2020"
[participants]
base_url = "http://127.0.0.1:9100"
timeout_s = 3
cache_ttl_s = 30
[limits]
max_depth = 12
max_aliases = 30
max_tokens = 3000
max_body_bytes = 1048576
max_compare_ids = 20
rate_limit_per_minute = 120
[platforms.karirmu]
base_url = "http://127.0.0.1:9109"
name = "Karier.mu"
adapter = "standard"
timeout_s = 10
enabled = true
suspended = true
api_key = "s3cret"
"""))
    assert config.server.cors_origins == ("https://app.example",)
    assert config.server.ui is False
    assert config.catalogue.stale_after_s == 180.5
    (platform,) = config.platforms
    assert (platform.slug, platform.name, platform.adapter_name, platform.suspended) == (
        "karirmu", "Karier.mu", "standard", True)
    assert "s3cret" not in repr(config)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[server]\nprot = 8000\n", "server.prot"),
        ("[serve]\nport = 8000\n", "serve"),
        ('[server]\nport = "8000"\n', "server.port"),
        ("[server]\nport = true\n", "server.port"),
        ("[catalogue]\nrefresh_interval_s = -1\n", "catalogue.refresh_interval_s"),
        ("[catalogue]\nrefresh_interval_s = 0\n", "catalogue.refresh_interval_s"),
        ("[participants]\ntimeout_s = 0\n", "participants.timeout_s"),
        ("[limits]\nmax_tokens = 0\n", "limits.max_tokens"),
        ("[server]\nport = 70000\n", "server.port"),
        ('[platforms.tokopedia]\nbase_url = "http://x"\ntimeout_s = 0\n', "platforms.tokopedia.timeout_s"),
        ('[catalogue]\ndefault_scheme = "GOLD"\n', "catalogue.default_scheme"),
        ("[server]\ncors_origins = [1]\n", "server.cors_origins"),
        ('[server]\nui = "yes"\n', "server.ui"),
        ("[platforms.tokopedia]\nname = \"Tokopedia\"\n", "platforms.tokopedia.base_url"),
        ('[platforms.tokopedia]\nbase_url = "http://x"\nenabled = "yes"\n', "platforms.tokopedia.enabled"),
        ('[platforms.tokopedia]\nbase_url = "http://x"\ncolour = 1\n', "platforms.tokopedia.colour"),
        ('[platforms.tokopedia]\nbase_url = "ftp://x"\n', "platforms.tokopedia.base_url"),
        ('[platforms.tokopedia]\nbase_url = "http://x"\napi_key_env = "NO_SUCH_VARIABLE_X"\n',
         "platforms.tokopedia.api_key_env"),
    ],
)
def test_a_bad_key_is_refused_with_its_name(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")) as refused:
        load_config(write(tmp_path, text))
    assert "\n" not in str(refused.value)


def test_api_key_env_reads_the_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKOPEDIA_API_KEY", "from-env")
    config = parse_config({"platforms": {"tokopedia": {"base_url": "http://x", "api_key_env": "TOKOPEDIA_API_KEY"}}})
    assert config.platforms[0].api_key == "from-env"


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[server\nport = 1"))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")


def test_zero_is_allowed_where_it_means_off() -> None:
    config = parse_config({"participants": {"cache_ttl_s": 0}, "limits": {"rate_limit_per_minute": 0, "max_aliases": 0},
                           "server": {"port": 0}})
    assert config.participants.cache_ttl_s == 0 and config.limits.rate_limit_per_minute == 0
