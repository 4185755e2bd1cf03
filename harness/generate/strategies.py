"""Hypothesis strategies for the sync protocol: small functions that compose.

Two families:
- sites WordPress itself accepts (keys, labels, flags, attachments, content), registered through
  the test-control plugin and synced end to end;
- payloads sent straight to the backend, from spec/structure.schema.json (hypothesis-jsonschema),
  valid ones and deliberately broken ones.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from harness.generate.structures import timestamp
from harness.spec import spec

# Keys WordPress itself registers differ by version (5.7 has no wp_template, 7.1 adds its own): they
# are read from the running WordPress when the run's session starts (note_registered), never listed
# here. These few are in every version, for runs with no WordPress (a backend checked alone).
REGISTERED = {"post", "page", "attachment", "revision", "nav_menu_item", "category", "post_tag", "nav_menu", "link_category", "post_format"}
# WordPress's reserved query words: a site cannot take these as keys.
RESERVED = {
    "action", "attachment_id", "author", "author_name", "calendar", "cat", "category_name", "comments_popup", "cpage", "day", "error",
    "feed", "field", "hour", "m", "minute", "monthnum", "more", "name", "order", "orderby", "p", "page_id", "paged", "pagename", "pb",
    "perm", "preview", "s", "search", "second", "sentence", "static", "subpost", "subpost_id", "tag", "tag_id", "taxonomy", "tb",
    "term", "theme", "type", "w", "withcomments", "withoutcomments", "year", "embed", "status", "title", "date",
}  # fmt: skip


def note_registered(keys: Iterable[str]) -> None:
    """Keys the running WordPress already has: generated sites never take them."""
    REGISTERED.update(keys)


def taken(key: str) -> bool:
    # Lowercased: MariaDB compares term_taxonomy.taxonomy case-insensitively, so "Tag" would share "tag"'s terms.
    return key.lower() in REGISTERED or key.lower() in RESERVED or key == "0"  # "0": WordPress's empty() refuses it


KEY_ALPHABET = string.ascii_lowercase + string.digits + "_-"
# What a taxonomy name may hold beyond that: register_taxonomy() checks only its length in bytes.
TAXONOMY_EXTRA = string.ascii_uppercase + "äöüßéñçøЖж书文ك"


def keys(max_size: int) -> st.SearchStrategy[str]:
    """Slugs within WordPress's limits (20 for post types, 32 for taxonomies) that no site has
    already, often at the limit itself."""
    any_length = st.text(KEY_ALPHABET, min_size=1, max_size=max_size)
    at_the_limit = st.text(KEY_ALPHABET, min_size=max_size, max_size=max_size)
    return st.one_of(any_length, at_the_limit).filter(lambda k: not taken(k))


def taxonomy_keys() -> st.SearchStrategy[str]:
    """Taxonomy names as WordPress takes them (STORE-4): slugs, and names with uppercase and
    non-ASCII letters (a shop's pa_Color, pa_größe), up to 32 bytes of UTF-8."""
    wide = st.text(KEY_ALPHABET + TAXONOMY_EXTRA, min_size=1, max_size=32).filter(lambda k: len(k.encode()) <= 32 and not taken(k))
    return st.one_of(keys(32), wide)


# Text a label may hold that a careless plugin, backend or page would mangle.
MARKUP = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</td></tr><tr><td>", "<b>bold</b>", "&amp;", "&lt;i&gt;", "&#x41;",
    '"', "'", "`", "\\", "{{ label }}", "{% now %}", "%s", "${x}", "\u202e", "\u200f", "\u00a0", "\ufeff", " ", "  ",
]  # fmt: skip
CONTROLS = [chr(c) for c in range(1, 32)] + ["\x7f"]  # not U+0000: the schema refuses it (jsonb cannot hold it)
# Units of a label near the 200-character cut, in code points: 1, 1, 2 (combining), 1 (RTL), 1 (4 bytes).
LONG_UNITS = ["书", "Ж", "e\u0301", "ك", "📚", "a"]


def labels() -> st.SearchStrategy[str]:
    """Labels as WordPress accepts them: any script (RTL, CJK, emoji, combining marks), markup and
    quotes, control characters (but U+0000), and long ones around the 200-character cut.
    A label with some text that PHP's trim() keeps: WordPress shows a blank one as the slug."""
    any_script = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=60)
    pieces = st.one_of(st.sampled_from(MARKUP), st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=4))
    markup = st.lists(pieces, min_size=1, max_size=6).map("".join)
    controls = st.lists(st.sampled_from([*CONTROLS, "a", "Ж", " "]), min_size=1, max_size=12).map("".join)
    long = st.builds(lambda unit, n: unit * n, st.sampled_from(LONG_UNITS), st.integers(95, 215))
    return st.one_of(any_script, markup, controls, long).filter(lambda s: s.strip(" \t\n\r\x00\x0b"))


@st.composite
def post_type_defs(draw: st.DrawFn) -> dict[str, Any]:
    public = draw(st.booleans())
    return {"label": draw(labels()), "public": public, "show_ui": public or draw(st.booleans()), "hierarchical": draw(st.booleans())}


@st.composite
def taxonomy_defs(draw: st.DrawFn, attachable: Iterable[str]) -> dict[str, Any]:
    public = draw(st.booleans())
    return {
        "label": draw(labels()),
        "public": public,
        "show_ui": public or draw(st.booleans()),
        "hierarchical": draw(st.booleans()),
        "object_types": draw(st.lists(st.sampled_from(sorted(attachable)), unique=True, max_size=3)),
    }


@st.composite
def sites(draw: st.DrawFn, max_types: int = 4, max_taxonomies: int = 4, max_posts: int = 3) -> dict[str, Any]:
    """A site: custom post types and taxonomies (the built-ins stay), and some content for them."""
    post_types = draw(st.dictionaries(keys(20), post_type_defs(), max_size=max_types))
    taken = set(post_types)
    # attachment:image: what WordPress attaches a media taxonomy to, not a post type key (STORE-4)
    attachable = set(post_types) | {"post", "page", "attachment:image"}
    names = draw(st.lists(taxonomy_keys().filter(lambda k: k.lower() not in taken), unique_by=str.lower, max_size=max_taxonomies))
    taxonomies = {name: draw(taxonomy_defs(attachable)) for name in names}
    posts = []
    for slug in sorted(post_types):
        for n in range(draw(st.integers(0, max_posts))):
            posts.append({"post_type": slug, "title": f"{slug} {n}", "status": draw(st.sampled_from(["publish", "publish", "draft"]))})
    terms = {slug: [f"term {n}" for n in range(draw(st.integers(0, 2)))] for slug in sorted(taxonomies)}
    return {"post_types": post_types, "taxonomies": taxonomies, "posts": posts, "terms": {t: names for t, names in terms.items() if names}}


# ---- payloads straight to the backend ---------------------------------------------------------


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(spec.structure_schema_path().read_text())


def _compiled(node: dict[str, Any], root: dict[str, Any], max_entries: int = 6) -> st.SearchStrategy[Any]:
    """A strategy for `node`, built once: objects are composed here from the schema's own keys and
    constraints, every leaf (strings with patterns and formats, bounded integers) comes from
    hypothesis-jsonschema. from_schema() on the whole schema rebuilds its sub-strategies on every
    draw: about 7 payloads/s instead of over 100."""
    if "$ref" in node:
        return _compiled(root["definitions"][node["$ref"].split("/")[-1]], root, max_entries)
    if node.get("type") != "object":
        return from_schema(node)
    if "properties" in node:
        return st.fixed_dictionaries({name: _compiled(sub, root, max_entries) for name, sub in node["properties"].items()})
    names = from_schema({"type": "string", **node["propertyNames"]})
    return st.dictionaries(names, _compiled(node["additionalProperties"], root, max_entries), max_size=min(node.get("maxProperties", max_entries), max_entries))


@lru_cache(maxsize=1)
def valid_payloads() -> st.SearchStrategy[dict[str, Any]]:
    """Any schema-valid structure, large counts and labels in any script included."""
    return _compiled(_schema(), _schema())


def newer(payload: dict[str, Any], moment: datetime) -> dict[str, Any]:
    return {**payload, "generated_at": timestamp(moment)}


WRONG_TYPES: st.SearchStrategy[Any] = st.sampled_from([None, True, -1, 1.5, "x", [], {}])


@st.composite
def invalid_payloads(draw: st.DrawFn) -> tuple[str, Any]:
    """(description, payload) pairs that the schema refuses: wrong types, missing fields,
    over-long or malformed keys, unknown fields."""
    payload = draw(valid_payloads())
    how = draw(st.sampled_from(["wrong type", "missing field", "long post type key", "long taxonomy key", "bad key", "unknown field"]))
    if how == "wrong type":
        field = draw(st.sampled_from(["schema_version", "site_url", "generated_at", "post_types", "taxonomies", "wp_version"]))
        value = draw(WRONG_TYPES.filter(lambda v: not isinstance(v, type(payload[field])) or isinstance(v, bool) != isinstance(payload[field], bool)))
        if field == "schema_version" and value == 1:
            value = "1"
        payload[field] = value
    elif how == "missing field":
        del payload[draw(st.sampled_from(sorted(payload)))]
    elif how == "long post type key":
        payload["post_types"][draw(st.text(KEY_ALPHABET, min_size=21, max_size=40))] = {"label": "L", "count": 0, "hierarchical": False, "public": True}
    elif how == "long taxonomy key":
        payload["taxonomies"][draw(st.text(KEY_ALPHABET, min_size=33, max_size=60))] = {
            "label": "L", "count": 0, "hierarchical": False, "public": True, "object_types": []
        }  # fmt: skip
    elif how == "bad key":
        payload["post_types"][draw(st.text(min_size=1, max_size=10).filter(lambda k: any(c not in KEY_ALPHABET for c in k)))] = {
            "label": "L", "count": 0, "hierarchical": False, "public": True
        }  # fmt: skip
    else:
        payload[draw(st.text(string.ascii_letters, min_size=1, max_size=10).filter(lambda k: k not in _schema()["properties"]))] = 1
    return how, payload


def malformed_bodies() -> st.SearchStrategy[bytes]:
    """Bytes that are not a JSON document: truncated, garbled or not UTF-8."""
    return st.one_of(
        valid_payloads().map(lambda p: json.dumps(p).encode()[: max(1, len(json.dumps(p)) // 2)]),
        st.binary(min_size=1, max_size=200).filter(lambda b: not _is_json(b)),
    )


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
        return True
    except (ValueError, UnicodeDecodeError):
        return False
