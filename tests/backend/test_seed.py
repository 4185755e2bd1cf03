"""The seed command the stack and the harness use to get an account, a site and a key."""

import json

import pytest
from django.core.management import CommandError, call_command
from integration.models import SiteIntegration

from .conftest import api_client


def _seed(capsys, *args):
    call_command("igny8_seed", *args)
    return json.loads(capsys.readouterr().out)


def test_seed_prints_ids_and_a_working_key(db, capsys):
    seeded = _seed(capsys, "--account", "Acme", "--site", "Blog")
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {seeded['api_key']}")
    response = client.post("/api/v1/integration/integrations/connect/", {}, format="json")
    assert response.json()["integration_id"] == seeded["integration_id"]
    assert client.login(username=seeded["username"], password=seeded["password"])


def test_seed_is_idempotent_and_takes_secrets_from_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("IGNY8_SEED_API_KEY", "igny8_fixedkeyfixedkeyfixedkey")
    first = _seed(capsys)
    second = _seed(capsys)
    assert first["integration_id"] == second["integration_id"]
    assert second["api_key"] == "igny8_fixedkeyfixedkeyfixedkey"
    assert SiteIntegration.objects.count() == 1


def test_seed_with_output_writes_secrets_to_the_file_only(db, capsys, tmp_path):
    out = tmp_path / "seed.json"
    call_command("igny8_seed", "--output", str(out))
    printed, written = capsys.readouterr().out, json.loads(out.read_text())
    assert written["api_key"] not in printed and written["password"] not in printed
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_seed_makes_another_integration_of_the_same_site_with_a_key_of_its_own(db, capsys):
    """--another-integration (spec/CONTRACT.md 2.1): what the harness needs to check SEC-9 on any backend."""
    first = _seed(capsys, "--account", "Acme", "--site", "Blog")
    second = _seed(capsys, "--account", "Acme", "--site", "Blog", "--another-integration")
    assert second["site_id"] == first["site_id"] and second["integration_id"] != first["integration_id"]
    assert second["api_key"] != first["api_key"]
    for seeded in (first, second):  # each key opens its own integration; the first was not re-keyed
        client = api_client()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {seeded['api_key']}")
        assert client.post("/api/v1/integration/integrations/connect/", {}, format="json").json()["integration_id"] == seeded["integration_id"]
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first['api_key']}")
    assert client.post(f"/api/v1/integration/integrations/{second['integration_id']}/test-connection/").status_code == 404
    assert SiteIntegration.objects.filter(site_id=first["site_id"], platform="wordpress").count() == 2


def test_seed_refuses_another_integration_with_a_key_already_in_use(db, capsys, monkeypatch):
    monkeypatch.setenv("IGNY8_SEED_API_KEY", "igny8_fixedkeyfixedkeyfixedkey")
    _seed(capsys)
    with pytest.raises(CommandError, match="already opens an integration"):
        call_command("igny8_seed", "--another-integration")
    assert SiteIntegration.objects.count() == 1
