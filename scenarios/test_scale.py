"""Scale: a site of 1,000 post types and 1,000 taxonomies with 100,000 synced items, read back and
shown on the tab within the design note's ceilings (PERF-1, PERF-2), and counted exactly (READ-2,
UI-2). A read whose cost grows with the number of post types or items fails the ceiling."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness.generate.structures import large_structure, timestamp
from harness.judge.observed import later_than_stored

TYPES = TAXONOMIES = 1000
ITEMS = 100_000
BATCH = 500  # the largest batch sync-content takes (spec/openapi.yaml)
# The design note's ceilings, in seconds (PERF-1, PERF-2).
SYNC_CEILING, READ_CEILING, TAB_CEILING = 0.55, 0.2, 0.2


def best_of(action, ceiling, times=10, pause=0.25):
    """The best of up to `times` timings, stopping at the first under `ceiling`: a ceiling is about
    what the code costs, not about a busy machine, and one timing under it proves the code can.
    A pause between tries lets a burst of other work (another lane's run, on 2 cores) pass; code
    slower than the ceiling stays slower on every try."""
    best = float("inf")
    for attempt in range(times):
        if attempt:
            time.sleep(pause)
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
        if best < ceiling:
            break
    return best


@pytest.fixture(scope="module")
def large_site(igny8_backend_session, igny8_observer, igny8_stack_info):
    """The run's tenant holding a large structure and 100,000 synced items, through the API."""
    backend = igny8_backend_session
    if igny8_observer is not None:
        igny8_observer.reset(backend.integration_id)
    assert backend.connect().status_code == 200
    structure = large_structure(TYPES, TAXONOMIES, generated_at=timestamp(later_than_stored(backend, igny8_observer)))
    started = time.perf_counter()
    assert backend.update_structure(structure).status_code == 200
    sync_seconds = time.perf_counter() - started
    slugs, taxonomies = list(structure["post_types"]), list(structure["taxonomies"])

    def send(first):
        items = [
            {"external_id": i, "post_type": slugs[i % 97], "title": f"Item {i}", "status": "publish", "terms": {taxonomies[i % 89]: [f"term-{i % 7}"]}}
            for i in range(first, min(first + BATCH, ITEMS + 1))
        ]
        response = backend.sync_content({"items": items})
        assert response.status_code == 200, f"batch at {first}: {response.status_code} {response.text[:200]}"

    with ThreadPoolExecutor(4) as pool:  # as several sites' plugins would, at once
        list(pool.map(send, range(1, ITEMS + 1, BATCH)))
    yield structure, sync_seconds
    if igny8_observer is not None:
        igny8_observer.reset(backend.integration_id)


@pytest.mark.requirement("PERF-1", "PERF-2", "READ-2", "UI-2", case="negative")
def test_a_large_site_reads_back_and_shows_exactly_within_the_ceilings(large_site, igny8_backend, page, igny8_tab, igny8_evidence):
    structure, sync_seconds = large_site
    read = igny8_backend.read_back()
    assert len(read["post_types"]) == TYPES and len(read["taxonomies"]) == TAXONOMIES
    synced = {slug: e["synced_count"] for slug, e in read["post_types"].items()}
    assert sum(synced.values()) == ITEMS, f"{sum(synced.values())} items counted as synced, of {ITEMS}"
    expected = {slug: sum(1 for i in range(1, ITEMS + 1) if i % 97 == n) for n, slug in enumerate(list(structure["post_types"])[:97])}
    assert {slug: synced[slug] for slug in expected} == expected, "synced counts per post type are wrong at scale"
    read_seconds = best_of(igny8_backend.content_types, READ_CEILING)

    tab = igny8_tab(page)
    rows = tab.rows("post-type")
    assert len(rows) == TYPES and len(tab.rows("taxonomy")) == TAXONOMIES
    assert {slug: r.synced_count for slug, r in rows.items()} == synced, "the tab's synced counts differ from the read-back's at scale"
    tab_seconds = best_of(lambda: page.context.request.get(tab.url), TAB_CEILING)

    seconds = {
        "update-structure (1,000 + 1,000)": sync_seconds,
        "content-types read, best of up to 10": read_seconds,
        "the tab, server side, best of up to 10": tab_seconds,
    }
    igny8_evidence.json("seconds", seconds)
    assert sync_seconds < SYNC_CEILING, f"storing a 1,000 + 1,000 structure took {sync_seconds:.3f} s (ceiling {SYNC_CEILING} s)"
    assert read_seconds < READ_CEILING, f"reading back 1,000 + 1,000 entries and {ITEMS} items took {read_seconds:.3f} s (ceiling {READ_CEILING} s)"
    assert tab_seconds < TAB_CEILING, f"the tab of a large site took {tab_seconds:.3f} s to answer (ceiling {TAB_CEILING} s)"
