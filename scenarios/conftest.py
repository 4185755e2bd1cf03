"""Scenario data and the states scenarios start from. The harness's own fixtures (all `igny8_...`)
come from its pytest plugin (harness.suite.fixtures); the ones here describe WordPress content and the
connection states built from them, nothing else."""

from typing import Any

import pytest

from harness.clients.backend import BackendClient
from harness.clients.settings_page import SettingsPage
from harness.clients.wordpress import WordPressClient
from harness.suite.fixtures import api_rate, reset_site
from harness.target.observer import Observer
from harness.target.target import BackendTarget

# A site with what real ones have: custom post types and taxonomies, flags of every kind, content.
SAMPLE_POST_TYPES = {
    "book": {"label": "Books", "public": True, "hierarchical": False},
    "chapter": {"label": "Chapters", "public": True, "hierarchical": True},
    "internal_note": {"label": "Internal notes", "public": False, "show_ui": True},
    "hidden_log": {"label": "Hidden log", "public": False, "show_ui": False},
}
SAMPLE_TAXONOMIES = {
    "genre": {"label": "Genres", "object_types": ["book"], "hierarchical": True, "public": True},
    "mood": {"label": "Moods", "object_types": ["book", "post"], "hierarchical": False, "public": True},
}
SAMPLE_POSTS = [
    {"post_type": "book", "title": "Dune", "terms": {"genre": ["Science fiction"], "mood": ["epic"]}},
    {"post_type": "book", "title": "Emma", "terms": {"genre": ["Novel"], "mood": ["witty"]}},
    {"post_type": "book", "title": "Beloved", "terms": {"genre": ["Novel"]}},
    {"post_type": "book", "title": "Draft book", "status": "draft"},
    {"post_type": "chapter", "title": "Chapter one"},
    {"post_type": "post", "title": "Hello", "terms": {"category": ["News"], "mood": ["calm"]}},
    {"post_type": "post", "title": "Second post"},
    {"post_type": "page", "title": "About"},
    {"post_type": "internal_note", "title": "Note", "status": "private"},
]


@pytest.fixture(scope="module")
def sample_site(
    igny8_wp_session: WordPressClient,
    igny8_backend_session: BackendClient,
    igny8_observer: Observer | None,
    igny8_backend_target: BackendTarget,
    igny8_stack_info: Any,
) -> Any:
    """A fresh site with the sample structure and content."""
    reset_site(igny8_wp_session, igny8_backend_session, igny8_observer, api_rate(igny8_backend_target))
    refused = igny8_wp_session.register(SAMPLE_POST_TYPES, SAMPLE_TAXONOMIES)["errors"]
    assert not refused, f"WordPress refused the sample structure: {refused}"
    igny8_wp_session.create_terms("genre", ["Poetry"])  # a term with no posts still counts
    igny8_wp_session.create_posts(SAMPLE_POSTS)
    return igny8_wp_session.state()["wordpress"]


@pytest.fixture
def connected_site(igny8_fresh_site: None, igny8_plugin_page: SettingsPage, igny8_backend_target: BackendTarget, igny8_backend: BackendClient) -> int:
    """A fresh site connected through its settings page; returns the backend's integration id."""
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    assert outcome.kind == "success", f"could not connect: {outcome}"
    return igny8_backend.integration_id


@pytest.fixture
def connected_backend(igny8_backend: BackendClient, igny8_observer: Observer | None, igny8_stack_info: Any) -> int:
    """The run's tenant connected through the API (no WordPress needed), reset first when the observer can."""
    if igny8_observer is not None:
        igny8_observer.reset(igny8_backend.integration_id)
    response = igny8_backend.connect()
    assert response.status_code == 200, f"could not connect: {response.status_code} {response.text[:300]}"
    return igny8_backend.integration_id
