"""Jepsen's set checker for the sync: after a fault and its healing, do WordPress and the backend
agree again? Three lists, each of which must be empty:

- lost: public content on the site that the backend does not hold;
- unexpected: items on the backend that the site does not have as public content;
- stale: an item held under another post type, or a structure entry whose count or label differs
  from WordPress's own (harness.judge.expect).

Public content is what CONTENT-5 and STRUCT-3 say: items of a public post type in a public status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.clients.backend import BackendClient
from harness.clients.wordpress import WordPressClient
from harness.judge import expect
from harness.target.observer import Observer


@dataclass(frozen=True)
class Agreement:
    lost: list[int] = field(default_factory=list)
    unexpected: list[int] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def agreed(self) -> bool:
        return not (self.lost or self.unexpected or self.stale)

    def summary(self) -> dict[str, Any]:
        return {"lost": len(self.lost), "unexpected": len(self.unexpected), "stale": len(self.stale)}

    def __str__(self) -> str:
        shown = {name: items[:10] for name, items in (("lost", self.lost), ("unexpected", self.unexpected), ("stale", self.stale)) if items}
        return "agreed" if self.agreed else f"lost {len(self.lost)}, unexpected {len(self.unexpected)}, stale {len(self.stale)}: {shown}"


def public_content(wp: WordPressClient, state: dict[str, Any] | None = None) -> dict[int, str]:
    """{post id: post type} of every item the backend must hold."""
    state = state or wp.state()
    public_statuses = {slug for slug, e in state["post_statuses"].items() if e["public"]}
    public_types = {slug for slug, e in state["wordpress"]["post_types"].items() if e["public"]}
    return {pid: ptype for pid, (ptype, status) in wp.all_posts().items() if status in public_statuses and ptype in public_types}


def compare(wp: WordPressClient, backend: BackendClient, observer: Observer, content: bool = True) -> Agreement:
    """Where WordPress and the backend disagree now; `content=False` for a plugin without content-sync."""
    state = wp.state()
    stale = expect.differences(expect.expected_structure(state["wordpress"]), expect.served_structure(backend.read_back()))
    if not content:
        return Agreement(stale=stale)
    site = public_content(wp, state)
    held = {int(r["external_id"]): str(r["post_type"]) for r in observer.synced_items(backend.integration_id)}
    stale += [f"item {pid}: held as {held[pid]!r}, a {site[pid]!r} on the site" for pid in sorted(site.keys() & held.keys()) if held[pid] != site[pid]]
    return Agreement(sorted(site.keys() - held.keys()), sorted(held.keys() - site.keys()), stale)
