"""harness.judge.secrets: a key is found whole, by any 10 of its characters, and base64-, hex- or
URL-encoded (whole or in part, at any alignment); fewer characters, or another key, are not."""

import base64
import secrets as random_source
from urllib.parse import quote

import pytest

from harness.judge.secrets import WINDOW, forms, in_any, leaks

KEY = "igny8_" + random_source.token_urlsafe(32)
OTHER = "igny8_" + random_source.token_urlsafe(32)


@pytest.mark.parametrize(
    ("how", "text"),
    [
        ("whole", f"Authorization: Bearer {KEY}"),
        ("its end", f"...{KEY[-WINDOW:]}"),
        ("a middle window", f"key {KEY[17 : 17 + WINDOW]}…"),
        ("base64 of it", base64.b64encode(KEY.encode()).decode()),
        ("base64 of it inside a header", base64.b64encode(f"api:{KEY}".encode()).decode()),
        ("URL-safe base64 of a part", base64.urlsafe_b64encode(KEY[5:].encode()).decode()),
        ("hex", KEY.encode().hex()),
        ("HEX of a part", KEY[20:40].encode().hex().upper()),
        ("in a query string", f"GET /sync?key={KEY}&x=%2F"),
    ],
)
def test_every_form_of_a_key_is_found(how, text):
    assert in_any(KEY, [text]), how


def test_fewer_characters_another_key_or_nothing_are_not_found():
    assert not in_any(KEY, [KEY[: WINDOW - 1] + "…", OTHER, base64.b64encode(OTHER.encode()).decode(), ""])


def test_a_key_with_characters_url_encoding_changes_is_found_encoded():
    key = "k/+=" * 8
    assert in_any(key, [quote(key, safe="")]) and not in_any(key, [quote(key[: WINDOW - 1], safe="")])


def test_leaks_names_the_place_the_secret_and_the_form():
    said = leaks({"the API key": KEY}, {"settings page": f"<code>{KEY[:8]}…</code>", "debug.log": base64.b64encode(KEY.encode()).decode()})
    assert said == ["debug.log: the API key (base64 of it)"]


def test_the_forms_are_many_but_bounded():
    assert 40 < len(forms(KEY)) < 2000
