"""Timestamps over repeated syncs, from WordPress: every sync's generated_at is newer than the last,
even many in one second, and the stored time, the read-back's and the tab's advance together
(STRUCT-6, STRUCT-8, STORE-2, UI-3); a structure from the future blocks no later sync (CONC-3)."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.generate.structures import post_type, structure, timestamp
from harness.judge.observed import stored_structure


def _moment(generated_at):
    return datetime.fromisoformat(generated_at.replace("Z", "+00:00"))


@pytest.mark.requirement("STRUCT-6", "STRUCT-8", "STORE-2", "UI-3", case="negative")
def test_every_sync_advances_every_timestamp_together(
    connected_site, igny8_wp, igny8_backend, igny8_stored, page, igny8_tab, igny8_evidence, igny8_backend_clock, igny8_wordpress_clock
):
    tab = igny8_tab(page)
    seen = []
    for n in range(5):
        started = datetime.now().astimezone()
        assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
        finished = datetime.now().astimezone()
        read = igny8_backend.read_back()
        row = igny8_stored.integration(igny8_backend.integration_id)
        page.reload()
        shown = tab.last_sync()
        seen.append({"generated_at": read["generated_at"], "served": read["last_structure_fetch"], "stored": str(row["structure_synced_at"]), "shown": shown})
        fetched = datetime.fromisoformat(read["last_structure_fetch"])
        assert igny8_backend_clock.between(fetched, started, finished), f"sync {n}: the backend's time {fetched} is outside the sync"
        assert fetched == row["structure_synced_at"] == datetime.fromisoformat(row["last_structure_fetch"]), f"sync {n}: stored and served times differ"
        assert shown and datetime.fromisoformat(shown) == fetched, f"sync {n}: the tab shows {shown}"
        generated = datetime.fromisoformat(read["generated_at"].replace("Z", "+00:00"))
        assert igny8_wordpress_clock.between(generated, started - (finished - started), finished), (
            f"sync {n}: generated_at {generated} is not the time of the sync"
        )
        if n:
            assert read["generated_at"] > seen[-2]["generated_at"] and read["last_structure_fetch"] > seen[-2]["served"], (
                f"sync {n} did not advance: {seen[-2:]}"
            )
    igny8_evidence.json("timestamps of five syncs", seen)
    stored = igny8_stored.integration(igny8_backend.integration_id)["structure"]
    state = igny8_wp.state()
    assert (stored["site_url"], stored["wp_version"], stored["plugin_version"]) == (
        state["home_url"],
        state["versions"]["wordpress"],
        state["plugin"]["version"],
    )


@pytest.mark.requirement("STRUCT-8")
def test_thirty_syncs_in_a_row_carry_strictly_increasing_times(connected_site, igny8_wp, igny8_backend, igny8_observer, igny8_evidence):
    """The daily event run back to back, several times a second: each generated_at, as the backend
    stored it, is later than the one before. A time that went back is refused as stale and leaves the
    stored one; one equal to the last (no fraction of a second) is stored again: both show here."""
    held = stored_structure(igny8_backend, igny8_observer)
    times = [held["generated_at"]] if held else []  # Connect's sync
    for _ in range(30):
        assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
        times.append(stored_structure(igny8_backend, igny8_observer)["generated_at"])
    igny8_evidence.json("generated_at as stored after Connect and each of 30 syncs", times)
    back = [(n, earlier, later) for n, (earlier, later) in enumerate(pairwise(times), 1) if _moment(later) <= _moment(earlier)]
    assert not back, f"{len(back)} of 30 syncs did not carry a later generated_at (sync, before, after): {back[:3]}"


@pytest.mark.requirement("CONC-3", case="negative")
def test_the_plugins_next_sync_after_a_structure_from_the_future_is_accepted(
    connected_site, igny8_wp, igny8_backend, igny8_observer, igny8_evidence, igny8_wordpress_clock
):
    """A structure dated tomorrow, sent with the site's key (a host whose clock ran ahead, or anyone
    holding the key). Refused, it leaves the plugin's next sync to go through; stored, it would make
    every sync of the plugin stale until tomorrow, with nothing the plugin could do."""
    tomorrow = structure({"post": post_type("From tomorrow", 99)}, generated_at=timestamp(datetime.now(UTC) + timedelta(days=1)))
    refused = igny8_backend.update_structure(tomorrow)
    igny8_evidence.json("a structure dated tomorrow", {"status": refused.status_code, "body": refused.text[:500]})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "generated_at_in_future", (
        f"a structure dated tomorrow answered {refused.status_code}: {refused.text[:300]}"
    )
    logged_before = len(igny8_wp.igny8_log_lines())
    started = datetime.now(UTC)
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    finished = datetime.now(UTC)
    lines = igny8_wp.igny8_log_lines()[logged_before:]
    igny8_evidence.text("[IGNY8] lines of the next sync", "\n".join(lines))
    held = stored_structure(igny8_backend, igny8_observer)
    generated = _moment(held["generated_at"])
    assert igny8_wordpress_clock.between(generated, started - (finished - started), finished), (
        f"the backend holds generated_at {held['generated_at']}, not the plugin's sync's"
    )
    assert held["post_types"]["post"]["label"] != "From tomorrow", "the structure from tomorrow is what the backend holds"
    assert not any("fail" in line.lower() for line in lines), f"the plugin's next sync failed: {lines}"
