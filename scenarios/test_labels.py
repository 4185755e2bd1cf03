"""Labels in any script reach the backend unchanged (STRUCT-7)."""

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK

LABELS = {
    "cyrillic": "Книги",
    "arabic": "كتب عربية",
    "hebrew": "ספרים",
    "cjk": "书籍と本",
    "emoji": "Books 📚✨",
    "combining": "Cafe\u0301s",
    "mixed_rtl": "Books كتب 2024",
}


@pytest.mark.requirement("STRUCT-7")
def test_labels_in_any_script_arrive_unchanged(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    refused = igny8_wp.register({slug: {"label": label} for slug, label in LABELS.items()}, {"tag_ja": {"label": "タグ", "object_types": ["cjk"]}})["errors"]
    assert not refused
    igny8_wp.run_cron(STRUCTURE_HOOK)
    served = igny8_backend.read_back()
    igny8_evidence.json("labels served", {slug: served["post_types"].get(slug, {}).get("label") for slug in LABELS})
    assert {slug: served["post_types"][slug]["label"] for slug in LABELS} == LABELS
    assert served["taxonomies"]["tag_ja"]["label"] == "タグ"
