"""The seed command the stack and the harness use to get an account, a site and a key."""

import json

from django.core.management import call_command
from integration.models import SiteIntegration
from rest_framework.test import APIClient


def _seed(capsys, *args):
    call_command("igny8_seed", *args)
    return json.loads(capsys.readouterr().out)


def test_seed_prints_ids_and_a_working_key(db, capsys):
    seeded = _seed(capsys, "--account", "Acme", "--site", "Blog")
    client = APIClient()
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
