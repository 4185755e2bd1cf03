"""What the backend should hold, derived from WordPress's own view (the test-control plugin's
/state), by the spec's rules: STRUCT-2..5. Independent of the plugin under test."""

from __future__ import annotations

from typing import Any


def _synced(entry: dict[str, Any]) -> bool:
    return entry["public"] or entry["show_ui"]


PHP_BLANK = " \t\n\r\0\x0b"  # what PHP's trim() removes: a label of only these shows as the slug


def _label(slug: str, entry: dict[str, Any]) -> str:
    label = (entry["label"] or "").replace("\0", "")  # STRUCT-9: the one character the protocol cannot carry
    return label[:200] if label.strip(PHP_BLANK) else slug


def expected_structure(wordpress: dict[str, Any]) -> dict[str, dict[str, Any]]:
    post_types = {
        slug: {"label": _label(slug, e), "count": e["count"], "hierarchical": e["hierarchical"], "public": e["public"]}
        for slug, e in wordpress["post_types"].items()
        if _synced(e)
    }
    taxonomies = {
        slug: {
            "label": _label(slug, e),
            "count": e["count"],
            "hierarchical": e["hierarchical"],
            "public": e["public"],
            "object_types": sorted(e["object_types"]),
        }
        for slug, e in wordpress["taxonomies"].items()
        if _synced(e)
    }
    return {"post_types": post_types, "taxonomies": taxonomies}


def served_structure(read_back: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The backend's read-back in the same shape (synced counts aside, object types sorted)."""
    strip = lambda e: {k: (sorted(v) if k == "object_types" else v) for k, v in e.items() if k != "synced_count"}  # noqa: E731
    return {kind: {slug: strip(e) for slug, e in read_back[kind].items()} for kind in ("post_types", "taxonomies")}


def differences(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    """Human-readable differences, one line each: missing, unexpected and changed entries."""
    lines = []
    for kind in ("post_types", "taxonomies"):
        want, got = expected[kind], actual.get(kind, {})
        lines += [f"{kind}: missing {slug!r} (WordPress has {want[slug]})" for slug in sorted(set(want) - set(got))]
        lines += [f"{kind}: unexpected {slug!r} (WordPress has no such synced entry)" for slug in sorted(set(got) - set(want))]
        for slug in sorted(set(want) & set(got)):
            for field in sorted(set(want[slug]) | set(got[slug])):
                if want[slug].get(field) != got[slug].get(field):
                    lines.append(f"{kind}.{slug}.{field}: WordPress {want[slug].get(field)!r}, backend {got[slug].get(field)!r}")
    return lines
