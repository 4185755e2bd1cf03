"""The harness reads of the Content Types tab what spec/CONTRACT.md 2.3 lists, and nothing else
(issue #34): tabs written with other markup than the reference's (rows as <div role="row"> or <li>,
no <tr>, other classes, other wording and time format around the values), each meeting 2.3 as
written, read the same in the browser and over HTTP; every name the reader uses is named in 2.3; and
no code of the suite queries the tab by anything else."""

from __future__ import annotations

import ast
import dataclasses
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.base.paths import ROOT
from harness.clients import tab
from harness.clients.tab import CONTRACT, ContentTypesTab, Row, read_html

STORED = "2026-12-07T06:12:03.123456Z"
LABEL = "Books <b>&amp;</b>\tüber\r📚"  # markup, an entity, a tab, a carriage return: shown as text (UI-2)
POST_TYPES = {"book": Row(LABEL, 1234, 0), "post": Row("Posts", 12, 7)}
TAXONOMIES = {"pa_größe": Row("Größe", 3, 2)}


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _reference_like(badge: str, stored: str | None) -> str:
    """The reference's own shape: a table, a row per entry, cells as <td>."""
    rows = lambda kind, entries: "".join(  # noqa: E731
        f'<tr data-testid="{kind}-{slug}"><td data-testid="label">{_escaped(r.label)}</td><td><code>{slug}</code></td>'
        f'<td data-testid="count">{r.count}</td><td data-testid="synced-count">{r.synced_count}</td></tr>'
        for slug, r in entries.items()
    )
    when = f'<time data-testid="last-sync" datetime="{stored}">2026-12-07 06:12:03 UTC</time>' if stored else '<time data-testid="last-sync">Never</time>'
    return (
        f'<section data-testid="integration-summary"><span class="badge" data-testid="integration-status">{badge}</span> {when}</section>'
        f"<h2>Post Types</h2><table><tbody>{rows('post-type', POST_TYPES)}</tbody></table>"
        f"<h2>Taxonomies</h2><table><tbody>{rows('taxonomy', TAXONOMIES)}</tbody></table>"
    )


def _grid(badge: str, stored: str | None) -> str:
    """ARIA rows of <div>s, other classes, words around every value, another time format, no <tr>."""
    rows = lambda kind, entries: "".join(  # noqa: E731
        f'<div role="row" class="entry entry--{kind}" data-testid="{kind}-{slug}">'
        f'<div role="cell" class="c1">Name: <span data-testid="label">{_escaped(r.label)}</span></div>'
        f'<div role="cell">Published: <strong data-testid="count"> {r.count} </strong> items</div>'
        f'<div role="cell">of which synced: <em data-testid="synced-count">{r.synced_count}</em></div></div>'
        for slug, r in entries.items()
    )
    when = f'<time data-testid="last-sync" datetime="{stored}">7 December 2026, 06:12</time>' if stored else '<span data-testid="last-sync"> Never </span>'
    return (
        f'<header class="status"><p>WordPress plugin: <mark class="pill pill-ok" data-testid="integration-status">\n  {badge}\n</mark></p>'
        f"<p>Structure last received {when} (local time).</p></header>"
        f'<div role="table" aria-label="Post Types"><div role="rowgroup">{rows("post-type", POST_TYPES)}</div></div>'
        f'<div role="table" aria-label="Taxonomies"><div role="rowgroup">{rows("taxonomy", TAXONOMIES)}</div></div>'
        '<table><tr><td class="label">decoy</td><td class="count">99</td></tr></table>'  # a table of its own: not a row of 2.3
    )


def _lists(badge: str, stored: str | None) -> str:
    """A list per section, cells as a <dl>'s <dd>s, the badge in a heading."""
    rows = lambda kind, entries: "".join(  # noqa: E731
        f'<li data-testid="{kind}-{slug}"><dl><dt>Label</dt><dd data-testid="label">{_escaped(r.label)}</dd>'
        f'<dt>Count</dt><dd data-testid="count">{r.count}</dd><dt>Synced</dt><dd data-testid="synced-count">{r.synced_count}</dd></dl></li>'
        for slug, r in entries.items()
    )
    when = f'<data data-testid="last-sync" datetime="{stored}">06:12, yesterday</data>' if stored else "<b data-testid=last-sync>Never</b>"
    return (
        f"<main><h1>Acme site <span data-testid=integration-status>{badge}</span></h1><p>Last sync {when}</p>"
        f'<section aria-label="Post Types"><ul>{rows("post-type", POST_TYPES)}</ul></section>'
        f'<section aria-label="Taxonomies"><ol>{rows("taxonomy", TAXONOMIES)}</ol></section></main>'
    )


TABS = {"reference-like table": _reference_like, "ARIA grid of divs": _grid, "lists": _lists}


def _page(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Content types</title></head><body>{body}</body></html>'


@pytest.mark.parametrize("shape", TABS)
@pytest.mark.parametrize("badge,stored", [("Connected", STORED), ("Key revoked", None)], ids=["synced", "never"])
def test_any_markup_that_meets_2_3_is_read_the_same_over_http(shape, badge, stored):
    view = read_html(_page(TABS[shape](badge, stored)))
    assert (view.badge, view.last_sync) == (badge, stored)
    assert stored is not None or view.last_sync_text == CONTRACT.never
    assert view.rows == {"post-type": POST_TYPES, "taxonomy": TAXONOMIES}


def test_a_page_without_the_testids_is_not_read_as_a_tab():
    """What the reference's markup alone would give (a table, its classes, its wording) is not read."""
    html = _page(
        '<section data-testid="integration-summary"><span class="badge">Connected</span> <time datetime="2026-12-07T06:12:03Z">now</time></section>'
        '<table><tr><td class="label">Posts</td><td class="count">12</td><td class="synced-count">7</td></tr></table>'
    )
    with pytest.raises(AssertionError, match="integration-status"):
        read_html(html)


def test_a_count_cell_must_hold_the_number_alone():
    html = _page(TABS["lists"]("Connected", STORED).replace('data-testid="count">12<', 'data-testid="count">12 posts<'))
    with pytest.raises(AssertionError, match="not a whole number"):
        read_html(html)


@pytest.fixture(scope="module")
def browser_page() -> Iterator[object]:
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("needs Debian's Chromium")
    from playwright.sync_api import sync_playwright

    from harness.suite.fixtures import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.parametrize("shape", TABS)
@pytest.mark.parametrize("badge,stored", [("Not connected", STORED), ("Inactive", None)], ids=["synced", "never"])
def test_any_markup_that_meets_2_3_is_read_the_same_in_the_browser(browser_page, shape, badge, stored):
    browser_page.set_content(_page(TABS[shape](badge, stored)))  # type: ignore[attr-defined]
    shown = ContentTypesTab(browser_page, "https://backend.invalid", 1)  # type: ignore[arg-type]
    assert shown.shows_badge() and shown.badge() == badge
    assert shown.last_sync() == stored and (stored is not None or shown.last_sync_text() == CONTRACT.never)
    assert (shown.rows("post-type"), shown.rows("taxonomy")) == (POST_TYPES, TAXONOMIES)


def test_the_times_compared_are_instants():
    assert tab.same_instant("2026-12-07T06:12:03.123456+00:00", STORED) and tab.same_instant(None, None)
    assert not tab.same_instant("2026-12-07T06:12:04Z", STORED) and not tab.same_instant("7 December", STORED) and not tab.same_instant(None, STORED)


# ---- the static check: 2.3 lists every name the reader uses, and the suite reads the tab through it only ------------


def _section_2_3() -> str:
    text = (ROOT / "spec" / "CONTRACT.md").read_text()
    match = re.search(r"^### 2\.3 .*?(?=^### )", text, re.M | re.S)
    assert match, "spec/CONTRACT.md has no section 2.3"
    return match.group(0)


def _named_in(section: str, name: str) -> bool:
    return f"`{name}`" in section or f'"{name}"' in section


def test_every_name_the_reader_uses_is_named_in_contract_2_3():
    section = _section_2_3()
    missing = []
    for field in dataclasses.fields(CONTRACT):
        value = getattr(CONTRACT, field.name)
        names = [f"{kind}-<slug>" for kind in value] if isinstance(value, tuple) else [value]
        missing += [f"{field.name}: {n}" for n in names if not _named_in(section, n)]
    assert not missing, f"harness/clients/tab.py reads what spec/CONTRACT.md 2.3 does not name: {missing}"


# The calls that read a page; their arguments must come from CONTRACT (or testid/rows_of of it).
DOM_CALLS = {
    "locator", "get_by_test_id", "get_by_label", "get_by_role", "get_by_text", "get_by_placeholder", "get_by_title", "get_by_alt_text",
    "query_selector", "query_selector_all", "select", "select_one", "find", "find_all", "get_attribute", "evaluate", "button", "field",
}  # fmt: skip
# The only literals such a call may take: the login button's role, the rows' own attribute, the login form's action.
LITERALS = {"button", "data-testid", "action"}
SELECTOR_HELPERS = {"testid", "rows_of"}


def _allowed(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "CONTRACT" or (node.value.id in ("self", "page") and node.attr == "url")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SELECTOR_HELPERS:
        return all(isinstance(a, ast.Name) or _allowed(a) for a in node.args)
    if isinstance(node, ast.Constant):
        return node.value in LITERALS
    if isinstance(node, ast.List | ast.Tuple):
        return all(_allowed(e) for e in node.elts)
    return isinstance(node, ast.Name) and node.id in ("_ROWS_SCRIPT", "cells", "name", "kind", "soup", "pressed")


def test_the_reader_queries_the_page_only_by_what_contract_lists():
    source = Path(tab.__file__).read_text()
    unlisted = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DOM_CALLS:
            if isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "http":
                continue  # self.http.get(...): the request, not the page
            arguments = [*node.args, *(k.value for k in node.keywords)]
            unlisted += [f"line {node.lineno}: {ast.unparse(node)}" for a in arguments if not _allowed(a)]
    assert not unlisted, "harness/clients/tab.py reads the tab by what CONTRACT does not list:\n" + "\n".join(unlisted)
    script = tab._ROWS_SCRIPT
    assert not re.search(r"querySelector(All)?\(\s*[\"'`]", script), "the rows' script names a selector of its own"


def test_the_check_above_can_fail():
    bad = ast.parse('page.locator("tr[data-testid^=post-type-]")').body[0].value  # type: ignore[attr-defined]
    assert not all(_allowed(a) for a in bad.args)
    assert _allowed(ast.parse("page.locator(testid(CONTRACT.badge))").body[0].value.args[0])  # type: ignore[attr-defined]
    assert not _named_in(_section_2_3(), "integration-summary"), "2.3 names the reference's summary section"


# Outside the reader, nothing queries a page by test id or selector: scenarios and judges read the tab through it.
ELSEWHERE = re.compile(r"get_by_test_id\(|\[data-testid|querySelector|\.locator\(")


def test_nothing_else_in_the_suite_queries_the_tab():
    reader = Path(tab.__file__).resolve()
    places = [*(ROOT / "scenarios").rglob("*.py"), *(ROOT / "harness" / "judge").rglob("*.py"), *(ROOT / "harness" / "suite").rglob("*.py")]
    places += [p for p in (ROOT / "harness" / "clients").rglob("*.py") if p.resolve() != reader]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in places for n, line in enumerate(p.read_text().splitlines(), 1) if ELSEWHERE.search(line)]
    assert not found, "the suite reads the tab past harness/clients/tab.py (spec/CONTRACT.md 2.3):\n" + "\n".join(found)
