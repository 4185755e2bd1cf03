"""harness.judge.timing: the median of several real timings against a ceiling, every sample kept."""

import time

from harness.judge.timing import Timing, timed


def test_one_slow_sample_does_not_decide_but_a_slow_median_does():
    assert Timing("read", 0.2, (0.05, 0.9, 0.06, 0.05, 0.07)).within
    assert not Timing("read", 0.2, (0.25, 0.9, 0.06, 0.3, 0.21)).within


def test_samples_are_real_timings_kept_as_evidence():
    timing = timed("a 20 ms action", lambda: time.sleep(0.02), ceiling=0.5, samples=3, pause=0)
    assert len(timing.samples) == 3 and all(0.02 <= s < 0.5 for s in timing.samples)
    shown = timing.evidence()
    assert shown["samples"] == [round(s, 4) for s in timing.samples] and shown["ceiling"] == 0.5 and timing.within
    assert "median" in str(timing) and "ceiling 0.5 s" in str(timing)
