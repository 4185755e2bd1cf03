"""Timestamps over repeated syncs, from WordPress: every sync's generated_at is newer than the last,
and the stored time, the read-back's and the tab's advance together (STRUCT-6, STORE-2, UI-3)."""

from datetime import datetime

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK


@pytest.mark.requirement("STRUCT-6", "STORE-2", "UI-3", case="negative")
def test_every_sync_advances_every_timestamp_together(connected_site, igny8_wp, igny8_backend, igny8_stored, page, igny8_tab, igny8_evidence):
    tab = igny8_tab(page)
    seen = []
    for n in range(5):
        started = datetime.now().astimezone()
        assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
        finished = datetime.now().astimezone()
        read = igny8_backend.read_back()
        row = igny8_stored.integration(igny8_backend.integration_id)
        page.reload()
        shown = tab.page.get_by_test_id("last-sync").get_attribute("datetime")
        seen.append({"generated_at": read["generated_at"], "served": read["last_structure_fetch"], "stored": str(row["structure_synced_at"]), "shown": shown})
        fetched = datetime.fromisoformat(read["last_structure_fetch"])
        assert started <= fetched <= finished, f"sync {n}: the backend's time {fetched} is outside the sync"
        assert fetched == row["structure_synced_at"] == datetime.fromisoformat(row["last_structure_fetch"]), f"sync {n}: stored and served times differ"
        assert shown and datetime.fromisoformat(shown) == fetched, f"sync {n}: the tab shows {shown}"
        generated = datetime.fromisoformat(read["generated_at"].replace("Z", "+00:00"))
        assert started - (finished - started) <= generated <= finished, f"sync {n}: generated_at {generated} is not the time of the sync"
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
