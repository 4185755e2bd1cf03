"""Building structure payloads (spec/structure.schema.json) for tests, benchmarks and strategies."""

from datetime import UTC, datetime

SCHEMA_VERSION = 1


def timestamp(moment=None):
    """generated_at as the protocol writes it: UTC, microseconds, a trailing Z (STRUCT-6)."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def post_type(label, count=0, hierarchical=False, public=True):
    return {"label": label, "count": count, "hierarchical": hierarchical, "public": public}


def taxonomy(label, object_types, count=0, hierarchical=False, public=True):
    return {"label": label, "count": count, "hierarchical": hierarchical, "public": public, "object_types": list(object_types)}


def structure(
    post_types=None, taxonomies=None, generated_at=None, site_url="https://wp.example", wp_version="6.1.9", plugin_version="1.0.0"
):
    return {
        "schema_version": SCHEMA_VERSION,
        "site_url": site_url,
        "wp_version": wp_version,
        "plugin_version": plugin_version,
        "generated_at": generated_at or timestamp(),
        "post_types": post_types
        if post_types is not None
        else {"post": post_type("Posts", 3), "page": post_type("Pages", 1, hierarchical=True)},
        "taxonomies": taxonomies
        if taxonomies is not None
        else {"category": taxonomy("Categories", ["post"], 2, hierarchical=True), "post_tag": taxonomy("Tags", ["post"], 5)},
    }


def large_structure(n_post_types, n_taxonomies, generated_at=None):
    """A big site: n post types and n taxonomies with long-ish labels, as the benchmark sends."""
    types = {f"type_{i:05d}": post_type(f"Post type {i} — Тип {i}", i * 7) for i in range(n_post_types)}
    slugs = list(types)
    taxes = {
        f"tax_{i:05d}": taxonomy(f"Taxonomy {i} — التصنيف {i}", slugs[i % max(1, len(slugs)) : i % max(1, len(slugs)) + 3], i * 3)
        for i in range(n_taxonomies)
    }
    return structure(types, taxes, generated_at)
