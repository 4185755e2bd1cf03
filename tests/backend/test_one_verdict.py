"""ERR-5: the backend's two validators give one verdict on a payload. fastjsonschema decides; on a
refusal, jsonschema walks the payload again to name every failing path. Where they disagreed (a
"$" before a final newline, the formats uri and date-time), the fast one refused and the payload
was stored all the same. Property-based, on spec/structure.schema.json (hypothesis-jsonschema)."""

import copy
import json
import string

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from igny8_backend.errors import ApiError
from integration import structure as validation

from harness.generate import strategies
from harness.spec import spec

SCHEMA = json.loads(spec.structure_schema_path().read_text())
# Moderate counts: the mutations find the old disagreement (a final newline) within 100 examples.
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Where a value sits in a payload, and what the schema says of it there.
TOP = SCHEMA["properties"]
POST_TYPE = SCHEMA["definitions"]["post_type"]["properties"]
TAXONOMY = SCHEMA["definitions"]["taxonomy"]["properties"]
ANY_JSON = from_schema({})  # any JSON value: a wrong type, an unknown field's value
WRONG = st.one_of(st.sampled_from([None, True, False, 0, -1, 1.0, 1.5, 2**31, "", "x", [], {}, [1], {"a": 1}]), ANY_JSON)


def verdict_fast(payload):
    try:
        validation._fast_check()(payload)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def verdict_full(payload):
    return not list(validation._all_errors(payload))


def backend_verdict(payload):
    """What update-structure would do with it: accept (True) or refuse with a 400 naming a path."""
    try:
        validation.validate_structure(payload)
        return True
    except ApiError as refusal:
        # A whole-number schema_version it does not speak is named as such (ERR-6): a refusal too.
        assert refusal.status_code == 400 and refusal.error_code in ("invalid_structure", "unsupported_schema_version")
        assert refusal.details and all(d["path"].startswith("$") and d["message"] for d in refusal.details), refusal.details
        return False


def _strings_out_of_range(draw, current, max_length):
    """A string the schema's pattern, length or format may refuse: blanks and newlines where
    anchors are, too long, empty, other scripts' digits, impossible dates and times."""
    kinds = [
        current + "\n",
        "\n" + current,
        current + " ",
        current.replace("-", " ", 1),
        current.upper(),
        "",
        current + "x" * (max_length + 1 - len(current)) if max_length else current + "x",
        current.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        current + "\x00",
    ]
    kinds.append(draw(from_schema({"type": "string", "maxLength": 12})))
    return draw(st.sampled_from(kinds))


DATE_TIMES = [
    "2026-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z",
    "2026-01-01T23:60:00Z", "2026-01-01T23:59:61Z", "2026-01-01T23:59:59.1234567Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z",
    "2026-01-01T00:00:00+00:00", "2026-01-01 00:00:00Z", "2026-1-01T00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Z\n",
]  # fmt: skip
SITE_URLS = [
    "https://wp.example/a b", "https://wp.example/\n", "https://wp.example\t", "https://", "https:/x", "http://x", "https://wp.example/é",
    "https://wp.example/\u00a0", "https://wp.example/\u2028", "https://wp.example/\x1f", "https://wp.example/\x01", "ftp://wp.example", " https://wp.example",
]  # fmt: skip


@st.composite
def mutated_payloads(draw):
    """A valid payload with one thing broken, or nearly broken: a wrong type, a missing required key,
    an unknown key, an out-of-range string or integer, a key the slug pattern refuses."""
    payload = draw(strategies.valid_payloads())
    broken = copy.deepcopy(payload)
    entries = [("post_types", slug, POST_TYPE) for slug in broken["post_types"]] + [("taxonomies", slug, TAXONOMY) for slug in broken["taxonomies"]]
    where = draw(st.sampled_from(["top"] + (["entry"] if entries else [])))
    if where == "top":
        node, fields = broken, TOP
    else:
        kind, slug, fields = draw(st.sampled_from(entries))
        node = broken[kind][slug]
    field = draw(st.sampled_from(sorted(fields)))
    how = draw(st.sampled_from(["wrong type", "missing", "unknown key", "string out of range", "integer out of range", "key out of range"]))
    if how == "wrong type":
        node[field] = draw(WRONG)
    elif how == "missing":
        del node[field]
    elif how == "unknown key":
        node[draw(st.text(string.ascii_letters + "_", min_size=1, max_size=12).filter(lambda k: k not in fields))] = draw(ANY_JSON)
    elif how == "string out of range":
        if field == "generated_at":
            node[field] = draw(st.sampled_from(DATE_TIMES))
        elif field == "site_url":
            node[field] = draw(st.sampled_from(SITE_URLS))
        elif field == "object_types":
            node[field] = [*node[field], _strings_out_of_range(draw, draw(st.sampled_from(["post", "page", "a" * 20])), 20)]
        elif isinstance(node.get(field), str):
            node[field] = _strings_out_of_range(draw, node[field], fields[field].get("maxLength") or (200 if "label" in field else 0))
        else:
            node[field] = draw(st.text(max_size=5))
    elif how == "integer out of range":
        node[field] = draw(st.sampled_from([-1, 0, 2, 2**31 - 1, 2**31, 2**63, -(2**31), 1.0, 2.0]))
    else:
        kind = draw(st.sampled_from(["post_types", "taxonomies"]))
        limit = 20 if kind == "post_types" else 32
        key = draw(st.sampled_from(["post", "a" * limit, "a-b_c"]))
        bad = _strings_out_of_range(draw, key, limit)
        entry = {"label": "L", "count": 0, "hierarchical": False, "public": True}
        broken[kind][bad] = {**entry, "object_types": []} if kind == "taxonomies" else entry
    return how, broken


@settings(FAST, max_examples=50)
@given(strategies.valid_payloads())
def test_valid_payloads_pass_both_validators_and_the_backend(payload):
    assert verdict_fast(payload), "the fast validator refuses a valid payload"
    assert verdict_full(payload), [e.message for e in validation._all_errors(payload)]
    assert backend_verdict(payload)


@FAST
@given(mutated_payloads())
def test_broken_payloads_get_one_verdict(case):
    how, payload = case
    fast, full = verdict_fast(payload), verdict_full(payload)
    assert fast == full, f"{how}: fastjsonschema says {'valid' if fast else 'invalid'}, jsonschema {'valid' if full else 'invalid'}"
    assert backend_verdict(payload) == fast, f"{how}: the backend's verdict is not the validators'"


@settings(FAST, max_examples=15)
@given(from_schema(SCHEMA))
def test_payloads_from_the_whole_schema_pass_both(payload):
    """hypothesis-jsonschema on the whole schema, not node by node as harness.generate.strategies builds it."""
    assert verdict_fast(payload) and verdict_full(payload) and backend_verdict(payload)


@pytest.mark.parametrize(
    "field,value",
    [
        ("site_url", "https://wp.example/a b"),
        ("wp_version", "6.1.9\n"),
        ("plugin_version", "1.0.0\n"),
        ("generated_at", "2026-02-30T00:00:00Z"),
        ("generated_at", "2026-01-01T00:00:00Z\n"),
    ],
)
def test_where_the_validators_once_disagreed_both_refuse(field, value):
    """Each of these was refused by fastjsonschema, found valid by a plain jsonschema, and stored."""
    payload = {**json.loads(json.dumps(_good())), field: value}
    assert not verdict_fast(payload) and not verdict_full(payload)
    with pytest.raises(ApiError) as refused:
        validation.validate_structure(payload)
    assert f"$.{field}" in [d["path"] for d in refused.value.details]


def test_a_key_with_a_final_newline_is_refused_by_both():
    payload = _good()
    payload["post_types"]["post\n"] = payload["post_types"]["post"]
    assert not verdict_fast(payload) and not verdict_full(payload)


def test_a_refusal_the_full_validator_cannot_name_is_still_final(monkeypatch):
    """Should the two ever disagree again, the fast one's refusal is named and nothing passes."""
    monkeypatch.setattr(validation, "_all_errors", lambda payload: [])
    payload = _good()
    payload["post_types"]["post"]["count"] = "3"
    with pytest.raises(ApiError) as refused:
        validation.validate_structure(payload)
    assert refused.value.status_code == 400 and refused.value.error_code == "invalid_structure"
    assert refused.value.details == [{"path": "$.post_types.post.count", "message": "$.post_types.post.count must be integer"}]


def _good():
    from harness.generate.structures import structure

    return structure()
