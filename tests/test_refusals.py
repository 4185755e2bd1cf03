"""harness.judge.refusals: a refusal is proven by an answer. "Nothing answered" (status 0: no such
host, nothing listening, a timeout) fails the check, as a 2xx does; a redirect must go to https://."""

import pytest

from harness.judge.refusals import assert_plain_http_refused
from harness.stack.neighbour import Answer


def test_a_refusal_that_never_arrived_is_no_refusal():
    with pytest.raises(AssertionError, match="nothing answered"):
        assert_plain_http_refused(Answer(0, ""), "update-structure")


@pytest.mark.parametrize("answer", [Answer(200, ""), Answer(201, ""), Answer(500, ""), Answer(301, "http://api.igny8.test/")])
def test_an_answer_that_is_no_refusal_fails(answer):
    with pytest.raises(AssertionError):
        assert_plain_http_refused(answer, "update-structure")


@pytest.mark.parametrize("answer", [Answer(301, "https://api.igny8.test/x"), Answer(308, "https://api.igny8.test/x"), Answer(403, ""), Answer(426, "")])
def test_a_redirect_to_https_or_a_refusal_passes(answer):
    assert_plain_http_refused(answer, "update-structure")
