"""Scenario data: the sites the conformance suite syncs. Fixtures of the harness come from its
pytest plugin (harness.fixtures); the ones here describe WordPress content, nothing else."""

import pytest

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
def sample_site(igny8_wp_session, igny8_backend_session, igny8_stack_info):
    """A fresh site with the sample structure and content, and a just-seeded backend."""
    igny8_wp_session.reset()
    igny8_backend_session.reset()
    refused = igny8_wp_session.register(SAMPLE_POST_TYPES, SAMPLE_TAXONOMIES)["errors"]
    assert not refused, f"WordPress refused the sample structure: {refused}"
    igny8_wp_session.create_terms("genre", ["Poetry"])  # a term with no posts still counts
    igny8_wp_session.create_posts(SAMPLE_POSTS)
    return igny8_wp_session.state()["wordpress"]


@pytest.fixture
def connected_site(igny8_fresh_site, igny8_wp, igny8_stack, igny8_backend):
    """A fresh site connected through the wp-admin form; returns the backend's integration id."""
    page, _ = igny8_wp.connect(igny8_stack.urls.backend_for_plugin, igny8_stack.secrets.api_key)
    assert igny8_wp.notice(page)[0] == "success", f"could not connect: {igny8_wp.notice(page)}"
    return igny8_backend.only_integration_id()


@pytest.fixture
def connected_backend(igny8_fresh_backend, igny8_backend):
    """A just-seeded backend whose integration is connected through its API (no WordPress needed)."""
    response = igny8_backend.connect()
    assert response.status_code == 200, f"could not connect: {response.status_code} {response.text[:300]}"
    return igny8_backend.only_integration_id()
