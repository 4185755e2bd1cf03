"""Labels and keys as WordPress accepts them, through WordPress, the backend and the tab: any
script, markup and quotes, control characters, long multibyte text around the 200-character cut,
and keys at WordPress's length limits (STRUCT-2, STRUCT-4, STRUCT-7, UI-2)."""

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.judge.expect import differences, expected_structure, served_structure

SCRIPTS = {
    "cyrillic": "Книги",
    "arabic": "كتب عربية",
    "hebrew": "ספרים",
    "cjk": "书籍と本",
    "emoji": "Books 📚✨",
    "combining": "Cafe\u0301s",
    "mixed_rtl": "Books كتب 2024",
}
HARD = {
    "markup": "<script>alert(1)</script><b>bold</b> &amp; &lt;i&gt;",
    "attr": "\"quoted\" 'single' <img src=x onerror=alert(1)>",
    "controls": "tab\there\x01\x1fend\x7f",
    "cr_lf": "one\r\ntwo\rthree",
    "cjk_199": "书" * 199,
    "cjk_201": "书" * 201,
    "emoji_200": "📚" * 200,
    "emoji_230": "📚" * 230,
    "combining_long": "e\u0301" * 150,
    "rtl_override": "\u202eevil.exe",
    "z" * 20: "A key at the post type limit",
}
TAXONOMIES = {
    "t" * 32: {"label": "A key at the taxonomy limit", "object_types": ["markup"]},
    "x-y_z": {"label": "Dash & underscore", "object_types": ["cjk_199"]},
}


@pytest.mark.requirement("STRUCT-7")
def test_labels_in_any_script_arrive_unchanged(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    refused = igny8_wp.register({slug: {"label": label} for slug, label in SCRIPTS.items()}, {"tag_ja": {"label": "タグ", "object_types": ["cjk"]}})["errors"]
    assert not refused
    igny8_wp.run_cron(STRUCTURE_HOOK)
    served = igny8_backend.read_back()
    igny8_evidence.json("labels served", {slug: served["post_types"].get(slug, {}).get("label") for slug in SCRIPTS})
    assert {slug: served["post_types"][slug]["label"] for slug in SCRIPTS} == SCRIPTS
    assert served["taxonomies"]["tag_ja"]["label"] == "タグ"


@pytest.mark.requirement("STRUCT-7", "STRUCT-2", "STRUCT-4", "UI-2", case="negative")
def test_markup_controls_long_text_and_keys_at_the_limits_survive_every_step(connected_site, igny8_wp, igny8_backend, page, igny8_tab, igny8_evidence):
    refused = igny8_wp.register({slug: {"label": label} for slug, label in HARD.items()}, TAXONOMIES)["errors"]
    assert not refused, f"WordPress refused: {refused}"
    igny8_wp.run_cron(STRUCTURE_HOOK)
    wordpress = igny8_wp.state()["wordpress"]
    served = igny8_backend.read_back()
    igny8_evidence.json("labels as served", {slug: e["label"] for slug, e in served["post_types"].items() if slug in HARD})
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, "the backend differs from WordPress:\n" + "\n".join(diff)
    tab = igny8_tab(page)
    igny8_evidence.png("the tab", tab.screenshot())
    shown = {slug: row.label for slug, row in tab.rows("post-type").items()}
    assert {slug: shown.get(slug) for slug in HARD} == {slug: served["post_types"][slug]["label"] for slug in HARD}, "the tab shows labels otherwise"


NUL_TYPES = {"nul_memo": {"label": "Me\x00mos"}, "plain_book": {"label": "Books"}}
NUL_TAXONOMIES = {"nul_tag": {"label": "\x00Tags\x00", "object_types": ["nul_memo"]}}


@pytest.mark.requirement("STRUCT-9", case="negative")
def test_a_label_holding_nul_is_carried_without_it_and_the_rest_syncs(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    assert not igny8_wp.register(NUL_TYPES, NUL_TAXONOMIES)["errors"]
    before = igny8_backend.read_back()["last_structure_fetch"]
    logged_before = len(igny8_wp.igny8_log_lines())
    igny8_wp.run_cron(STRUCTURE_HOOK)
    served = igny8_backend.read_back()
    lines = igny8_wp.igny8_log_lines()[logged_before:]
    igny8_evidence.json("served", {k: served[k] for k in ("post_types", "taxonomies", "last_structure_fetch")})
    igny8_evidence.text("new [IGNY8] lines", "\n".join(lines))
    assert served["last_structure_fetch"] != before, "a label holding NUL stopped the whole site syncing"
    assert served["post_types"]["nul_memo"]["label"] == "Memos" and served["taxonomies"]["nul_tag"]["label"] == "Tags", (
        "the labels did not arrive without their NUL"
    )
    assert served["post_types"]["plain_book"]["label"] == "Books"
    assert any("nul_memo" in line for line in lines) and any("nul_tag" in line for line in lines), "no [IGNY8] line names the entries whose label was changed"
    diff = differences(expected_structure(igny8_wp.state()["wordpress"]), served_structure(served))
    assert not diff, "the backend differs from WordPress:\n" + "\n".join(diff)


@pytest.mark.requirement("STRUCT-9")
def test_labels_without_nul_are_not_reported_as_changed(connected_site, igny8_wp, igny8_backend):
    assert not igny8_wp.register({"plain_book": {"label": "Books"}})["errors"]
    logged_before = len(igny8_wp.igny8_log_lines())
    igny8_wp.run_cron(STRUCTURE_HOOK)
    lines = igny8_wp.igny8_log_lines()[logged_before:]
    assert igny8_backend.read_back()["post_types"]["plain_book"]["label"] == "Books"
    assert not any("plain_book" in line for line in lines), f"an ordinary label was reported as changed: {lines}"
