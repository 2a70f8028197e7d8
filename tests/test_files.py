"""Photos and plans, end to end, on local disk and on an S3 server over HTTP (moto, platform run).

Uploads are re-encoded (no EXIF, no GPS), get thumbnails, are stored encrypted; a media question
takes several; the visitor sees them again after a reload through signed links; staff list and
download them; retention, the bucket's lifecycle rule, a tenant purge and an erasure remove them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select, update

from appliance.cli import main
from appliance.configs.schemas import RetentionConfig
from appliance.infra.db import File, Lead, Tenant, utcnow
from appliance.infra.runtime import Runtime
from appliance.infra.storage.s3 import KIND_TAG, LIFECYCLE_RULE_ID, S3Storage
from appliance.leads.summary import render_summary_pdf
from appliance.privacy.erase import erase_subject
from appliance.privacy.purge import purge_tenant
from appliance.privacy.retention import apply_retention
from tests.backends import PLATFORM, environ_for
from tests.conftest import Cast
from tests.images import JPEG, PDF, PNG, pdf, photo, stored
from tests.leads_factory import allow_visitors, chat_until
from tests.raw_storage import stored_files
from tests.s3server import moto_server, new_bucket, objects
from tests.visitors import Visitor

DAY = timedelta(days=1)
BACKENDS = ["disk", pytest.param("s3", marks=pytest.mark.skipif(not PLATFORM, reason="S3 runs with the platform"))]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on local disk, and (platform run) again on a new bucket of the S3 server."""
    if request.param == "s3":
        monkeypatch.setattr(rt, "storage", new_bucket(request.getfixturevalue("s3_endpoint")))
    return str(request.param)


def raw_objects(rt: Runtime, tenant: Tenant) -> dict[str, bytes]:
    """Return every stored object of the store, as whoever holds the disk or the bucket reads it."""
    found = objects(rt.storage) if isinstance(rt.storage, S3Storage) else stored_files(rt)
    return {key: data for key, data in found.items() if key.startswith(tenant.id + "/")}


@pytest.fixture
def visitor(client: FlaskClient, cast: Cast, rt: Runtime) -> Visitor:
    allow_visitors(rt, cast.tenant_a)
    return chat_until(client, cast.tenant_a, "photos")


def upload(v: Visitor, data: bytes, name: str = "cuina.jpg"):
    return v.client.post(
        f"/v1/chat/{v.session_id}/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=v.headers(),
        content_type="multipart/form-data",
    )


def uploaded(v: Visitor, data: bytes, name: str = "cuina.jpg") -> dict:
    response = upload(v, data, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def file_count(rt: Runtime) -> int:
    with rt.sessions() as db:
        return db.scalar(select(func.count()).select_from(File)) or 0


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


# --- upload, safety, thumbnails -----------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_photo_is_kept_encrypted_without_exif_or_gps_and_with_a_thumbnail(
    visitor: Visitor, rt: Runtime, cast: Cast, backend: str
) -> None:
    assert image(JPEG).getexif().get_ifd(0x8825)  # the phone's photo says where the home is
    kept = uploaded(visitor, JPEG, "Cuina nova.jpg")
    assert kept["name"] == "Cuina nova.jpg"
    assert kept["thumbnail_url"] is not None
    with rt.sessions() as db:
        key = db.scalar(select(File.storage_key).where(File.id == kept["id"]))
    raw = raw_objects(rt, cast.tenant_a)
    assert set(raw) == {key, f"{key}.thumb"}
    assert all(not data.startswith(b"\xff\xd8") and b"PhoneCam" not in data for data in raw.values())
    photo_kept = rt.keyring.decrypt_bytes(raw[key])
    assert photo_kept == stored(JPEG)
    assert dict(image(photo_kept).getexif()) == {}  # no EXIF at all: no GPS, no camera
    assert b"PhoneCam" not in photo_kept
    assert image(photo_kept).size == (1200, 900)
    thumb = image(rt.keyring.decrypt_bytes(raw[f"{key}.thumb"]))
    assert (thumb.format, thumb.size) == ("JPEG", (320, 240))


def test_a_png_loses_its_text_chunks_and_a_pdf_plan_is_kept_as_sent(visitor: Visitor, rt: Runtime) -> None:
    png_kept = uploaded(visitor, PNG, "plano.png")
    assert "Comment" not in image(rt.keyring.decrypt_bytes(rt.storage.get(f"{png_kept_key(rt, png_kept)}"))).info
    plan = uploaded(visitor, PDF, "plano.pdf")
    assert (plan["content_type"], plan["thumbnail_url"]) == ("application/pdf", None)
    assert rt.keyring.decrypt_bytes(rt.storage.get(png_kept_key(rt, plan))) == PDF


def png_kept_key(rt: Runtime, kept: dict) -> str:
    with rt.sessions() as db:
        return str(db.scalar(select(File.storage_key).where(File.id == kept["id"])))


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 2000, 415, "file_unreadable"),  # a JPEG header on nothing
        (pdf(b"\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), 415, "file_unreadable"),
        (pdf(b"\n<< /A << /S /#4Cau#6Ech /F (cmd.exe) >> >>"), 415, "file_unreadable"),  # /Launch, escaped
        (b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n", 415, "file_unreadable"),  # no trailer, no %%EOF
        (b"MZ\x90\x00 a program", 415, "file_type_not_allowed"),
        (photo(3000, 2000) + b"\x00" * (5 * 1024 * 1024), 413, "file_too_large"),
    ],
)
def test_what_is_not_a_safe_photo_or_plan_is_refused_and_nothing_is_kept(
    visitor: Visitor, rt: Runtime, cast: Cast, data: bytes, status: int, code: str
) -> None:
    response = upload(visitor, data, "x.pdf")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert file_count(rt) == 0
    assert raw_objects(rt, cast.tenant_a) == {}


# --- several files, and the visitor seeing them again ------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_two_photos_answer_the_question_and_come_back_as_thumbnails_after_a_reload(
    visitor: Visitor, client: FlaskClient, backend: str
) -> None:
    first, second = uploaded(visitor, JPEG, "paret.jpg"), uploaded(visitor, PNG, "terra.png")
    assert visitor.send(value=[first["id"], second["id"]])["input"]["block_id"] != "photos"
    restored = visitor.transcript()["messages"]
    (answer,) = [m for m in restored if m["attachments"]]
    assert answer["role"] == "visitor"
    assert answer["text"] is None  # never a raw id where a person reads
    assert [a["name"] for a in answer["attachments"]] == ["paret.jpg", "terra.png"]
    for shown in answer["attachments"]:
        # An <img> sends no token: the signed link alone opens the file, from any page.
        thumb = client.get(shown["thumbnail_url"])
        assert thumb.status_code == 200
        assert thumb.mimetype == "image/jpeg"
        assert max(image(thumb.data).size) <= 320
        assert thumb.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        full = client.get(shown["url"])
        assert full.status_code == 200
        assert full.headers["Content-Security-Policy"].endswith("sandbox")
    assert image(client.get(answer["attachments"][0]["url"]).data).size == (1200, 900)


def test_a_media_question_takes_up_to_five_distinct_files_of_the_conversation(visitor: Visitor) -> None:
    ids = [uploaded(visitor, photo(64, 48, (i * 40, 10, 10)))["id"] for i in range(6)]
    assert visitor.send(value=ids)["input"]["block_id"] == "photos"  # six: asked again
    assert visitor.send(value=[ids[0], ids[0]])["input"]["block_id"] == "photos"
    assert visitor.send(value=ids[:5])["input"]["block_id"] != "photos"


def test_a_file_link_opens_only_its_own_file(visitor: Visitor, client: FlaskClient) -> None:
    photo_kept, plan = uploaded(visitor, JPEG), uploaded(visitor, PDF, "plano.pdf")
    sig = photo_kept["url"].split("sig=")[1]
    assert client.get(photo_kept["url"]).status_code == 200
    assert client.get(f"/v1/chat/{visitor.session_id}/files/{plan['id']}?sig={sig}").status_code == 404
    assert client.get(photo_kept["url"][:-3] + "abc").status_code == 404
    assert client.get(plan["url"] + "&size=thumb").status_code == 404  # a plan has no thumbnail
    download = client.get(plan["url"])
    assert download.headers["Content-Disposition"].startswith('attachment; filename="plano.pdf"')


# --- staff ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_staff_list_a_leads_files_and_download_each_and_its_thumbnail(
    visitor: Visitor, client: FlaskClient, cast: Cast, backend: str
) -> None:
    first, plan = uploaded(visitor, JPEG, "paret.jpg"), uploaded(visitor, PDF, "plano.pdf")
    visitor.send(value=[first["id"], plan["id"]])
    lead_id = visitor.last["lead"]["id"]
    staff = {"Authorization": f"Bearer {cast.bob_token}"}
    listed = client.get(f"/v1/leads/{lead_id}/files", headers=staff)
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [(f["name"], f["content_type"]) for f in items] == [
        ("paret.jpg", "image/jpeg"),
        ("plano.pdf", "application/pdf"),
    ]
    full = client.get(items[0]["url"], headers=staff)
    assert (full.status_code, full.data) == (200, stored(JPEG))
    assert full.headers["Cache-Control"] == "no-store"
    assert max(image(client.get(items[0]["thumbnail_url"], headers=staff).data).size) == 320
    assert client.get(items[1]["url"], headers=staff).data == PDF
    charlie = {"Authorization": f"Bearer {cast.charlie_token}"}
    assert client.get(items[0]["url"], headers=charlie).status_code == 404


def test_the_pdf_summary_shows_the_photos(visitor: Visitor, rt: Runtime, cast: Cast) -> None:
    without = render_summary_pdf(rt, cast.tenant_a.id, visitor.last["lead"]["id"], "en")
    kept = uploaded(visitor, JPEG, "paret.jpg")
    visitor.send(value=[kept["id"]])
    with_photo = render_summary_pdf(rt, cast.tenant_a.id, visitor.last["lead"]["id"], "en")
    assert with_photo.count(b"/Subtype /Image") == without.count(b"/Subtype /Image") + 1


# --- retention, lifecycle, purge, erasure --------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_files_without_a_lead_go_after_30_days_and_a_leads_after_180(
    client: FlaskClient, cast: Cast, rt: Runtime, backend: str
) -> None:
    allow_visitors(rt, cast.tenant_a)
    of_lead = chat_until(client, cast.tenant_a, "photos")
    kept = uploaded(of_lead, JPEG)
    stray = chat_until(client, cast.tenant_a, "photos")
    lost = uploaded(stray, JPEG)
    # The second conversation's lead is gone (as after a store deleted it): its file has no lead.
    with rt.transaction() as db:
        db.execute(update(Lead).where(Lead.session_id == stray.session_id).values(session_id=None))
    assert len(raw_objects(rt, cast.tenant_a)) == 4  # two photos, two thumbnails

    assert apply_retention(rt, utcnow() + 29 * DAY)["files"] == 0
    assert apply_retention(rt, utcnow() + 31 * DAY)["files"] == 1
    with rt.sessions() as db:
        assert list(db.scalars(select(File.id))) == [kept["id"]]
    assert len(raw_objects(rt, cast.tenant_a)) == 2
    assert lost["id"] not in str(raw_objects(rt, cast.tenant_a))

    assert apply_retention(rt, utcnow() + 179 * DAY)["files"] == 0
    assert apply_retention(rt, utcnow() + 181 * DAY)["files"] == 1
    assert file_count(rt) == 0
    assert raw_objects(rt, cast.tenant_a) == {}


def test_a_store_keeps_its_leads_files_as_long_as_it_says(client: FlaskClient, cast: Cast, rt: Runtime) -> None:
    put = client.put(
        "/v1/config/retention",
        json=RetentionConfig(lead_files_days=7).model_dump(),
        headers={"Authorization": f"Bearer {cast.alice_token}"},
    )
    assert put.status_code in (200, 201), put.get_json()
    allow_visitors(rt, cast.tenant_a)
    uploaded(chat_until(client, cast.tenant_a, "photos"), JPEG)
    assert apply_retention(rt, utcnow() + 6 * DAY)["files"] == 0
    assert apply_retention(rt, utcnow() + 8 * DAY)["files"] == 1


@pytest.mark.skipif(not PLATFORM, reason="S3 runs with the platform")
def test_storage_setup_sets_the_buckets_lifecycle_rule_for_uploads(
    s3_endpoint: str, app_settings: dict[str, object], visitor: Visitor, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = new_bucket(s3_endpoint)
    url = f"s3://{bucket.bucket}/files?endpoint={s3_endpoint}&region=eu-west-1&sse=AES256"
    result = CliRunner().invoke(
        main, ["storage", "setup"], env=environ_for(app_settings) | {"EBANISTA_STORAGE_URL": url}
    )
    assert result.exit_code == 0, result.output
    (rule,) = bucket.lifecycle_rules()
    assert rule["ID"] == LIFECYCLE_RULE_ID
    assert rule["Expiration"] == {"Days": 180}
    assert rule["Filter"]["And"] == {"Prefix": "files/", "Tags": [{"Key": KIND_TAG, "Value": "attachment"}]}
    # The uploads carry the tag the rule matches, and the bucket's own encryption on top of ours.
    monkeypatch.setattr(rt, "storage", bucket)
    kept = uploaded(visitor, JPEG)
    with rt.sessions() as db:
        key = "files/" + str(db.scalar(select(File.storage_key).where(File.id == kept["id"])))
    tags = bucket.client.get_object_tagging(Bucket=bucket.bucket, Key=key)["TagSet"]
    assert tags == [{"Key": KIND_TAG, "Value": "attachment"}]
    assert bucket.client.head_object(Bucket=bucket.bucket, Key=key)["ServerSideEncryption"] == "AES256"


def test_storage_setup_on_disk_says_the_retention_task_does_it(cli) -> None:
    result = cli("storage", "setup")
    assert result.exit_code == 0
    assert '"storage": "local"' in result.output


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_purging_a_store_deletes_every_object_it_had(visitor: Visitor, rt: Runtime, cast: Cast, backend: str) -> None:
    uploaded(visitor, JPEG)
    uploaded(visitor, PDF, "plano.pdf")
    # An object whose row never committed (a crash between the two) is the store's too.
    rt.storage.put(f"{cast.tenant_a.id}/attachments/f_orphan", b"x", kind="attachment")
    assert len(raw_objects(rt, cast.tenant_a)) == 4
    purge_tenant(rt, cast.tenant_a.id)
    assert raw_objects(rt, cast.tenant_a) == {}


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_erasing_a_person_deletes_their_files_and_thumbnails(
    visitor: Visitor, rt: Runtime, cast: Cast, backend: str
) -> None:
    kept = uploaded(visitor, JPEG)
    visitor.send(value=[kept["id"]])
    assert len(raw_objects(rt, cast.tenant_a)) == 2
    counts = erase_subject(rt, cast.tenant_a.id, visitor.last["lead"]["id"])
    assert counts["files"] == 1
    assert raw_objects(rt, cast.tenant_a) == {}
    assert file_count(rt) == 0


def test_an_unreadable_file_is_explained_in_the_visitors_language(visitor: Visitor) -> None:
    response = upload(visitor, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "plano.png")
    assert response.status_code == 415
    assert response.get_json()["error"]["message"].startswith("No se ha podido leer ese archivo")
