"""Building structure payloads (spec/structure.schema.json) for tests, benchmarks and strategies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1


def timestamp(moment: datetime | None = None) -> str:
    """generated_at as the protocol writes it: UTC, microseconds, a trailing Z (STRUCT-6)."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def post_type(label: str, count: int = 0, hierarchical: bool = False, public: bool = True) -> dict[str, Any]:
    return {"label": label, "count": count, "hierarchical": hierarchical, "public": public}


def taxonomy(label: str, object_types: Iterable[str], count: int = 0, hierarchical: bool = False, public: bool = True) -> dict[str, Any]:
    return {"label": label, "count": count, "hierarchical": hierarchical, "public": public, "object_types": list(object_types)}


def structure(
    post_types: dict[str, Any] | None = None,
    taxonomies: dict[str, Any] | None = None,
    generated_at: str | None = None,
    site_url: str = "https://wp.example",
    wp_version: str = "6.1.9",
    plugin_version: str = "1.0.0",
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "site_url": site_url,
        "wp_version": wp_version,
        "plugin_version": plugin_version,
        "generated_at": generated_at or timestamp(),
        "post_types": post_types if post_types is not None else {"post": post_type("Posts", 3), "page": post_type("Pages", 1, hierarchical=True)},
        "taxonomies": taxonomies
        if taxonomies is not None
        else {"category": taxonomy("Categories", ["post"], 2, hierarchical=True), "post_tag": taxonomy("Tags", ["post"], 5)},
    }


def large_structure(n_post_types: int, n_taxonomies: int, generated_at: str | None = None) -> dict[str, Any]:
    """A big site: n post types and n taxonomies with long-ish labels, as the benchmark sends."""
    types = {f"type_{i:05d}": post_type(f"Post type {i} — Тип {i}", i * 7) for i in range(n_post_types)}
    slugs = list(types)
    taxes = {
        f"tax_{i:05d}": taxonomy(f"Taxonomy {i} — التصنيف {i}", slugs[i % max(1, len(slugs)) : i % max(1, len(slugs)) + 3], i * 3) for i in range(n_taxonomies)
    }
    return structure(types, taxes, generated_at)


def _edited(payload: Any, path: list[str], value: Any = None, delete: bool = False) -> Any:
    import copy

    payload = copy.deepcopy(payload)
    node = payload
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return payload


def invalid_cases() -> dict[str, tuple[Any, tuple[str, ...]]]:
    """{name: (payload, the JSON paths of which the refusal must name one)}: schema violations of
    every kind (ERR-1). A missing or unknown field, or a key that fails, may be named where JSON
    Schema reports it (the object that holds it) or by its own path (PROTOCOL.md 5): either is right."""
    good = structure()
    cases: dict[str, tuple[Any, str | tuple[str, ...]]] = {
        "missing post_types": (_edited(good, ["post_types"], delete=True), ("$", "$.post_types")),
        "missing generated_at": (_edited(good, ["generated_at"], delete=True), ("$", "$.generated_at")),
        "count as string": (_edited(good, ["post_types", "post", "count"], "3"), "$.post_types.post.count"),
        "negative count": (_edited(good, ["taxonomies", "category", "count"], -1), "$.taxonomies.category.count"),
        "post type key of 21 chars": (_edited(good, ["post_types", "a" * 21], post_type("Long")), ("$.post_types", "$.post_types." + "a" * 21)),
        "taxonomy key of 33 chars": (_edited(good, ["taxonomies", "t" * 33], taxonomy("Long", ["post"])), ("$.taxonomies", "$.taxonomies." + "t" * 33)),
        "uppercase key": (_edited(good, ["post_types", "Book"], post_type("Bad")), ("$.post_types", "$.post_types.Book")),
        "empty label": (_edited(good, ["post_types", "post", "label"], ""), "$.post_types.post.label"),
        "NUL in a label": (_edited(good, ["taxonomies", "category", "label"], "a\x00b"), "$.taxonomies.category.label"),
        "unknown field": (_edited(good, ["surprise"], 1), ("$", "$.surprise")),
        "hierarchical not bool": (_edited(good, ["post_types", "page", "hierarchical"], "yes"), "$.post_types.page.hierarchical"),
        "object_types not list": (_edited(good, ["taxonomies", "category", "object_types"], "post"), "$.taxonomies.category.object_types"),
        "generated_at without zone": (_edited(good, ["generated_at"], "2026-01-01T00:00:00"), "$.generated_at"),
        "generated_at impossible date": (_edited(good, ["generated_at"], "2026-13-45T00:00:00Z"), "$.generated_at"),
        "schema_version as text": (_edited(good, ["schema_version"], "1"), "$.schema_version"),  # another number: ERR-6
        "site_url not a url": (_edited(good, ["site_url"], "ftp:nothing"), "$.site_url"),
        "body is a list": ([good], "$"),
    }
    return {name: (payload, (paths,) if isinstance(paths, str) else paths) for name, (payload, paths) in cases.items()}
