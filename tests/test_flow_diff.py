"""diff_flows: what publishing a version changes in texts (per block and language) and in paths."""

from __future__ import annotations

import copy
from typing import Any

from appliance.core.flows.diff import TextChange, Transition, diff_flows
from appliance.core.flows.presets import preset


def base() -> dict[str, Any]:
    return preset("base")


def changed(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(base())
    change(document)
    return document


def block(document: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in document["blocks"] if b["id"] == block_id)


def test_the_same_document_changes_nothing() -> None:
    diff = diff_flows(base(), base())
    assert diff.empty
    assert diff.texts == []
    assert diff.same_paths
    assert diff.start is None


def test_a_changed_question_and_label_are_listed_by_block_option_and_language() -> None:
    def change(d: dict[str, Any]) -> None:
        block(d, "welcome")["text"]["ca"] = "Bon dia!"
        del block(d, "project")["options"][0]["label"]["en"]

    diff = diff_flows(base(), changed(change))
    old_welcome = block(base(), "welcome")["text"]["ca"]
    old_label = block(base(), "project")["options"][0]["label"]["en"]
    kitchen = block(base(), "project")["options"][0]["id"]
    assert diff.texts == [
        TextChange("welcome", None, "ca", old_welcome, "Bon dia!"),
        TextChange("project", kitchen, "en", old_label, None),
    ]
    assert diff.same_paths
    assert not diff.empty


def test_paths_added_and_removed_name_their_block_and_the_answer_or_rule() -> None:
    def change(d: dict[str, Any]) -> None:
        block(d, "consent")["options"][1]["next"] = "end"
        block(d, "contact_gate")["branches"][0]["next"] = "phone"

    diff = diff_flows(base(), changed(change))
    no = block(base(), "consent")["options"][1]["id"]
    assert diff.added_transitions == [
        Transition("consent", f"option:{no}", "end"),
        Transition("contact_gate", "branch:1", "phone"),
    ]
    assert diff.removed_transitions == [Transition("contact_gate", "branch:1", "name")]


def test_against_nothing_published_every_block_and_path_is_new() -> None:
    diff = diff_flows(None, base())
    assert diff.added_blocks == [b["id"] for b in base()["blocks"]]
    assert diff.removed_blocks == []
    assert diff.texts == []
    assert Transition("welcome", "next", "consent") in diff.added_transitions
    assert diff.start == (None, "welcome")


def test_a_removed_block_takes_its_paths_and_a_new_one_brings_its_own() -> None:
    def change(d: dict[str, Any]) -> None:
        d["blocks"] = [b for b in d["blocks"] if b["id"] != "photos"]
        block(d, "urgency")["next"] = "contact_gate"

    diff = diff_flows(base(), changed(change))
    assert diff.removed_blocks == ["photos"]
    assert Transition("photos", "next", "contact_gate") in diff.removed_transitions
    assert Transition("urgency", "next", "photos") in diff.removed_transitions
    assert diff.added_transitions == [Transition("urgency", "next", "contact_gate")]
