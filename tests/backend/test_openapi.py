"""spec/openapi.yaml is generated from the backend; this fails when the two drift apart."""

from django.core.management import call_command

from harness.spec.spec import SPEC_DIR


def test_committed_openapi_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    committed = SPEC_DIR / "openapi.yaml"
    assert generated.read_text() == committed.read_text(), (
        "spec/openapi.yaml is out of date: regenerate it with `cd reference/backend && IGNY8_DEV=1 python manage.py spectacular --file ../../spec/openapi.yaml`"
    )
