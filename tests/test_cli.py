"""The `ebanista` command: migrate, seed-demo, token, tenant and user."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from appliance.infra.db import ApiToken, Membership, Tenant, User
from appliance.infra.runtime import Runtime
from appliance.tenants.registry import find_api_token
from tests.contract import NLU_KEYS, VISIBLE_SET

DEMO_KEYS = {
    "tenant",
    "widget_key",
    "api_token",
    "owner_email",
    "owner_password",
    "admin_email",
    "admin_password",
    "admin_token",
    "urls",
}


def test_migrate_reports_the_schema_version(cli) -> None:
    result = cli("migrate")
    assert result.exit_code == 0
    assert result.stdout.startswith("database at ")


def test_seed_demo_prints_every_promised_key(cli, rt: Runtime) -> None:
    result = cli("seed-demo", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == DEMO_KEYS
    assert data["tenant"] == "demo"
    assert data["urls"]["docs"].endswith("/v1/docs")
    with rt.sessions() as session:
        demo = session.scalar(select(Tenant).where(Tenant.slug == "demo"))
        assert demo.widget_key == data["widget_key"]
        assert "http://localhost:*" in demo.allowed_origins
        assert "http://127.0.0.1:*" in demo.allowed_origins
        assert find_api_token(session, data["api_token"]).tenant_id == demo.id
        assert find_api_token(session, data["admin_token"]).role == "SUPER_ADMIN"


def test_seed_demo_again_leaves_one_store_with_fresh_credentials(cli, rt: Runtime) -> None:
    first = json.loads(cli("seed-demo", "--json").stdout)
    second = json.loads(cli("seed-demo", "--json").stdout)
    assert second["owner_password"] != first["owner_password"]
    assert second["api_token"] != first["api_token"]
    assert second["widget_key"] == first["widget_key"]
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Tenant)) == 1
        assert session.scalar(select(func.count()).select_from(Membership)) == 1
        assert find_api_token(session, first["api_token"]) is None
        assert find_api_token(session, first["admin_token"]) is None
        assert find_api_token(session, second["api_token"]) is not None


def test_seed_demo_without_json_shows_people_where_to_go(cli) -> None:
    output = cli("seed-demo").output
    assert "/demo" in output
    assert "/panel" in output
    assert "marta@estudiroure.demo" in output


def test_token_create_prints_the_token_alone_and_stores_only_its_hash(cli, rt: Runtime, cast) -> None:
    result = cli("token", "create", "--tenant", "tenant-a", "--role", "agent")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    with rt.sessions() as session:
        stored = find_api_token(session, token)
        assert stored.role == "AGENT"
        assert stored.tenant_id == cast.tenant_a.id
    with rt.engine.connect() as conn:
        raw = " ".join(str(r) for r in conn.execute(text("SELECT * FROM api_tokens")))
    assert token not in raw


def test_token_create_refuses_a_tenant_role_without_a_tenant(cli) -> None:
    result = cli("token", "create", "--role", "OWNER")
    assert result.exit_code == 1
    assert "role" in result.output


def test_token_create_names_an_unknown_store(cli) -> None:
    result = cli("token", "create", "--tenant", "nowhere", "--role", "OWNER")
    assert result.exit_code == 1
    assert "nowhere" in result.output


def test_tenant_create_list_pause_and_resume(cli, rt: Runtime) -> None:
    created = cli(
        "tenant",
        "create",
        "Cuina & Fusta Girona",
        "--language",
        "ca",
        "--origin",
        "https://www.cuinafusta.cat",
    )
    assert created.exit_code == 0
    row = json.loads(created.stdout)
    assert row["slug"] == "cuina-fusta-girona"
    assert cli("tenant", "pause", "cuina-fusta-girona").exit_code == 0
    listed = [json.loads(line) for line in cli("tenant", "list", "--json").stdout.splitlines()]
    assert [(t["slug"], t["status"]) for t in listed] == [("cuina-fusta-girona", "paused")]
    assert cli("tenant", "resume", "cuina-fusta-girona").exit_code == 0
    with rt.sessions() as session:
        assert session.scalar(select(Tenant.status)) == "active"


def test_tenant_create_lists_every_problem(cli) -> None:
    result = cli("tenant", "create", "X", "--language", "fr", "--timezone", "Mars/Olympus", "--origin", "ftp://x")
    assert result.exit_code == 1
    for field in ("default_language", "timezone", "allowed_origins[0]"):
        assert field in result.output


def test_tenant_create_sets_the_country_phone_numbers_are_read_in(cli, rt: Runtime) -> None:
    assert cli("tenant", "create", "Cozinhas Lisboa", "--slug", "lisboa", "--country", "pt").exit_code == 0
    assert cli("tenant", "create", "Cuines Estudi", "--slug", "estudi").exit_code == 0
    with rt.sessions() as session:
        countries = dict(
            session.execute(select(Tenant.slug, Tenant.country).where(Tenant.slug.in_(["lisboa", "estudi"]))).all()
        )
    assert countries == {"lisboa": "PT", "estudi": "ES"}
    refused = cli("tenant", "create", "Nowhere", "--country", "XX")
    assert refused.exit_code == 1
    assert "country" in refused.output


def test_tenant_create_refuses_a_taken_slug(cli) -> None:
    cli("tenant", "create", "Estudi", "--slug", "estudi")
    result = cli("tenant", "create", "Another", "--slug", "estudi")
    assert result.exit_code == 1
    assert "estudi" in result.output


def test_user_create_adds_staff_to_a_store(cli, rt: Runtime, cast) -> None:
    result = cli("user", "create", "Dana@Example.com", "--tenant", "tenant-b", "--role", "admin")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["password"]) >= 10
    with rt.sessions() as session:
        user = session.scalar(select(User).where(User.email == "dana@example.com"))
        role = session.scalar(select(Membership.role).where(Membership.user_id == user.id))
    assert role == "ADMIN"


def test_user_create_makes_platform_staff_without_a_store(cli, rt: Runtime) -> None:
    assert cli("user", "create", "ops@example.com", "--role", "INTERNAL", "--password", "long enough pw").exit_code == 0
    with rt.sessions() as session:
        assert session.scalar(select(User.platform_role)) == "INTERNAL"


def test_user_create_refuses_a_short_password(cli) -> None:
    result = cli("user", "create", "ops@example.com", "--role", "INTERNAL", "--password", "short")
    assert result.exit_code == 1
    assert "password" in result.output


def test_api_tokens_are_not_listed_for_another_tenant(rt: Runtime, cast) -> None:
    with rt.sessions() as session:
        tenant_ids = set(session.scalars(select(ApiToken.tenant_id)))
    assert tenant_ids == {cast.tenant_a.id, cast.tenant_b.id}


def test_nlu_prints_every_key_as_json(cli) -> None:
    result = cli("nlu", "--json", "Hola! cocina moderna de unos 12m2, entre 10 y 15 mil, lo antes posible")
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert list(found) == NLU_KEYS
    assert found["project_type"] == "kitchen"
    assert (found["budget_min_eur"], found["budget_max_eur"]) == (10000, 15000)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Me llamo laura garcía y quiero una cocina", "Laura García"),
        ("Em dic Jordi Puig", "Jordi Puig"),
        ("Chamo-me Ana Sousa", "Ana Sousa"),
        ("Hi, I'm Tom Baker", "Tom Baker"),
        ("Hola, busco una cocina", None),
    ],
)
def test_nlu_shows_the_name_it_understands(cli, text: str, name: str | None) -> None:
    assert json.loads(cli("nlu", "--json", text).stdout)["name"] == name
    table = cli("nlu", text).stdout
    assert f"name             {name or '—'}" in table


def test_nlu_uses_the_stores_language_when_the_text_cannot_tell(cli) -> None:
    assert json.loads(cli("nlu", "--json", "--default-language", "ca", "hola").stdout)["language"] == "ca"
    assert json.loads(cli("nlu", "--json", "--default-language", "es", "hola").stdout)["language"] == "es"


def test_nlu_batch_answers_every_line_with_its_id(cli) -> None:
    result = cli("nlu", "--batch", str(VISIBLE_SET))
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    expected_ids = [json.loads(line)["id"] for line in VISIBLE_SET.read_text(encoding="utf-8").splitlines() if line]
    assert [line["id"] for line in lines] == expected_ids
    assert all(list(line)[1:] == NLU_KEYS for line in lines)


def test_nlu_batch_names_a_broken_line(cli, tmp_path) -> None:
    batch = tmp_path / "broken.jsonl"
    batch.write_text('{"id": "a", "text": "hola"}\n{not json\n', encoding="utf-8")
    result = cli("nlu", "--batch", str(batch))
    assert result.exit_code == 1
    assert "line 2" in result.output


def test_nlu_needs_text_or_a_batch(cli) -> None:
    assert cli("nlu").exit_code == 2


def test_seed_demo_on_a_fresh_appliance_prepares_its_own_database(tmp_path) -> None:
    from click.testing import CliRunner

    from appliance.cli import main
    from tests.backends import PLATFORM

    if PLATFORM:
        pytest.skip("the platform's schema is migrated by the operator (`ebanista migrate`)")
    result = CliRunner().invoke(main, ["seed-demo", "--json"], env={"EBANISTA_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tenant"] == "demo"
