"""Settings: defaults, precedence, and loud, one-line failures that name the variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from appliance.cli import main
from appliance.infra.settings import ConfigError, load_settings


def load(tmp_path: Path, **env: str):
    return load_settings({"EBANISTA_DATA_DIR": str(tmp_path), **env})


def test_it_defaults_to_the_appliance_on_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings.mode == "appliance"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'ebanista.db'}"
    assert settings.storage_url == (tmp_path.resolve() / "files").as_uri()


def test_it_generates_the_appliance_secret_once_and_keeps_it_private(tmp_path: Path) -> None:
    first = load(tmp_path).secret_key
    second = load(tmp_path).secret_key
    assert first == second
    assert len(first or "") >= 32
    mode = (tmp_path / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"EBANISTA_MODE": "cluster"}, "EBANISTA_MODE"),
        ({"EBANISTA_DATABASE_URL": "not a url"}, "EBANISTA_DATABASE_URL"),
        ({"EBANISTA_DATABASE_URL": "mysql://u@h/db"}, "EBANISTA_DATABASE_URL"),
        ({"EBANISTA_DATABASE_URL": "postgresql://u@h"}, "EBANISTA_DATABASE_URL"),
        ({"EBANISTA_REDIS_URL": "http://cache"}, "EBANISTA_REDIS_URL"),
        ({"EBANISTA_THREADS": "many"}, "EBANISTA_THREADS"),
        ({"EBANISTA_PUBLIC_URL": "example.com"}, "EBANISTA_PUBLIC_URL"),
        ({"EBANISTA_ENCRYPTION_KEYS": "short"}, "EBANISTA_ENCRYPTION_KEYS"),
    ],
)
def test_it_names_the_variable_of_a_bad_value(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, **env)
    message = str(caught.value)
    assert message.startswith(variable + ":")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "EBANISTA_DATABASE_URL"),
        ({"EBANISTA_DATABASE_URL": "sqlite:///x.db"}, "EBANISTA_DATABASE_URL"),
        ({"EBANISTA_DATABASE_URL": "postgresql://u@h/db"}, "EBANISTA_REDIS_URL"),
        (
            {"EBANISTA_DATABASE_URL": "postgresql://u@h/db", "EBANISTA_REDIS_URL": "redis://h"},
            "EBANISTA_SECRET_KEY",
        ),
        (
            {
                "EBANISTA_DATABASE_URL": "postgresql://u@h/db",
                "EBANISTA_REDIS_URL": "redis://h",
                "EBANISTA_SECRET_KEY": "short",
            },
            "EBANISTA_SECRET_KEY",
        ),
    ],
)
def test_platform_mode_refuses_to_start_without_what_it_needs(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        load(tmp_path, EBANISTA_MODE="platform", **env)


def test_it_never_echoes_a_secret_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, EBANISTA_DATABASE_URL="mysql://user:hunter2secret@h/db")
    assert "hunter2secret" not in str(caught.value)


def test_it_accepts_plain_postgresql_urls_and_names_the_driver(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        EBANISTA_MODE="PLATFORM",
        EBANISTA_DATABASE_URL="postgresql://root@127.0.0.1:5432/test",
        EBANISTA_REDIS_URL="redis://127.0.0.1:6379/0",
        EBANISTA_SECRET_KEY="s" * 40,
    )
    assert settings.mode == "platform"
    assert settings.database_url == "postgresql+psycopg://root@127.0.0.1:5432/test"


def test_the_environment_beats_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "ebanista.toml"
    config.write_text('public_url = "https://chat.estudi.es"\nthreads = 4\n', encoding="utf-8")
    settings = load(tmp_path, EBANISTA_CONFIG_FILE=str(config), EBANISTA_THREADS="12")
    assert settings.public_url == "https://chat.estudi.es"
    assert settings.threads == 12


def test_it_rejects_an_unknown_setting_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "ebanista.toml"
    config.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^EBANISTA_COLOUR: unknown setting"):
        load(tmp_path, EBANISTA_CONFIG_FILE=str(config))


def test_it_names_an_unreadable_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^EBANISTA_CONFIG_FILE: cannot read"):
        load(tmp_path, EBANISTA_CONFIG_FILE=str(tmp_path / "missing.toml"))


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"EBANISTA_MODE": "cluster"}, "EBANISTA_MODE"),
        ({"EBANISTA_DATABASE_URL": "oracle://db"}, "EBANISTA_DATABASE_URL"),
        (
            {
                "EBANISTA_MODE": "platform",
                "EBANISTA_DATABASE_URL": "postgresql://u@h/db",
                "EBANISTA_REDIS_URL": "redis://h",
            },
            "EBANISTA_SECRET_KEY",
        ),
    ],
)
def test_serve_stops_with_one_line_naming_the_variable(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    result = CliRunner().invoke(main, ["serve"], env={"EBANISTA_DATA_DIR": str(tmp_path), **env})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ebanista: {variable}: ")
