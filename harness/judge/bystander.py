"""The bystander: a second tenant on the backend under test, with its own structure and synced
content, present for the whole run. Every read the suite makes would notice its data leaking in;
at the end of the run, its stored rows must be byte for byte what they were (spec/CONTRACT.md 2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.clients.backend import BackendClient
from harness.generate.structures import post_type, structure, taxonomy
from harness.target.observer import Observer

# Distinct from anything the suite sends for its own tenant: a leak shows as a slug or label of these.
STRUCTURE = structure(
    {"bystander_book": post_type("Bystander books", 7), "post": post_type("Bystander posts", 5)},
    {"bystander_genre": taxonomy("Bystander genres", ["bystander_book"], 4), "category": taxonomy("Bystander categories", ["post"], 3)},
    site_url="https://bystander.example",
)
ITEMS = [
    {"external_id": 900000 + n, "post_type": "post", "title": f"Bystander post {n}", "status": "publish", "terms": {"category": [f"bystander-{n}"]}}
    for n in range(1, 4)
] + [{"external_id": 900010, "post_type": "bystander_book", "title": "Bystander book", "status": "publish", "terms": {"bystander_genre": ["drama"]}}]
SLUGS = {"bystander_book", "bystander_genre"}


@dataclass(frozen=True)
class Bystander:
    client: BackendClient  # the backend with the bystander's own key
    read_back: dict[str, Any]  # its content-types read-back once populated
    stored: str | None  # its rows as the observer shows them (None without an observer)

    @property
    def integration_id(self) -> int:
        return self.client.integration_id


def changes(bystander: Bystander, observer: Observer | None) -> list[str]:
    """How the bystander differs from what it was when the run began ([]: untouched): its stored rows
    (with an observer) and its read-back (SEC-2, STORE-1)."""
    found = []
    if observer is not None and observer.snapshot(bystander.integration_id) != bystander.stored:
        found.append("the other tenant's stored rows changed during the run")
    response = bystander.client.content_types()
    if response.status_code != 200:
        return [*found, f"the other tenant's read-back answered {response.status_code}"]
    read, fields = response.json(), ("post_types", "taxonomies", "last_structure_fetch", "status")
    if {k: read.get(k) for k in fields} != {k: bystander.read_back.get(k) for k in fields}:
        found.append("the other tenant's read-back changed during the run")
    return found


def populate(client: BackendClient) -> dict[str, Any]:
    """Connects the bystander's integration and sends it a structure and content, through the API."""
    for response in (client.connect(), client.update_structure(STRUCTURE), client.sync_content({"items": ITEMS})):
        assert response.status_code == 200, f"the bystander tenant could not be set up: {response.status_code} {response.text[:300]}"
    return client.read_back()


def leaks(read_back: dict[str, Any]) -> list[str]:
    """The bystander's slugs or labels in another tenant's read-back."""
    found = [f"{kind}.{slug}" for kind in ("post_types", "taxonomies") for slug in read_back.get(kind, {}) if slug in SLUGS]
    found += [
        f"{kind}.{slug}.label" for kind in ("post_types", "taxonomies") for slug, e in read_back.get(kind, {}).items() if "Bystander" in e.get("label", "")
    ]
    return found
