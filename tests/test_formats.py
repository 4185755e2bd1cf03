"""harness.spec.formats: RFC 3339 as the spec states it, stricter than Python's fromisoformat."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from harness.spec.formats import rfc3339


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-07T03:17:55Z", datetime(2026, 12, 7, 3, 17, 55, tzinfo=UTC)),
        ("2026-12-07t03:17:55.123456+00:00", datetime(2026, 12, 7, 3, 17, 55, 123456, tzinfo=UTC)),
        ("2026-12-07T05:17:55+02:00", datetime(2026, 12, 7, 5, 17, 55, tzinfo=timezone(timedelta(hours=2)))),
    ],
)
def test_rfc3339_times_are_read(text, expected):
    assert rfc3339(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-12-07 03:17:55", "2026-12-07T03:17:55", "2026-12-07", "20261207T031755Z", "2026-12-07T03:17Z", None, 1765077475, ""],
)
def test_what_fromisoformat_takes_but_rfc3339_does_not_is_refused(text):
    with pytest.raises(ValueError, match="not an RFC 3339"):
        rfc3339(text)
