"""A backend's observer: the reference's loads, and one that could reach beyond the harness's own
tenant is refused before it runs (spec/CONTRACT.md 2.2-2.3)."""

import pytest
import yaml

from harness.judge.session import REFERENCE_OBSERVER
from harness.target.observer import ObserverError, ObserverSpec

GOOD = yaml.safe_load(REFERENCE_OBSERVER.read_text())


def test_the_reference_observer_loads():
    spec = ObserverSpec.load(REFERENCE_OBSERVER)
    assert set(spec.queries) >= {"integration", "synced_items", "synced_terms", "key_material"} and spec.reset


def _write(tmp_path, doc):
    path = tmp_path / "observer.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d["reset"].append("TRUNCATE content_syncedcontent"), "reset statement 4: not scoped"),
        (lambda d: d["reset"].append("DELETE FROM content_syncedcontent"), "has no WHERE"),
        (lambda d: d["reset"].append("DROP TABLE x WHERE id = %(integration_id)s"), "uses DROP"),
        (lambda d: d["queries"].update(synced_items="SELECT * FROM content_syncedcontent"), "query synced_items: not scoped"),
        (lambda d: d["queries"].update(integration="DELETE FROM t WHERE id = %(integration_id)s"), "is not a SELECT"),
        (lambda d: d["queries"].update(synced_terms="SELECT 1 WHERE 1 = %(integration_id)s; DELETE FROM t"), "more than one statement"),
        (lambda d: d["queries"].pop("key_material"), "lacks the queries"),
        (lambda d: d.pop("reset"), "has `queries:`"),
    ],
)
def test_an_observer_that_could_touch_another_tenant_is_refused(tmp_path, change, message):
    doc = yaml.safe_load(REFERENCE_OBSERVER.read_text())
    change(doc)
    with pytest.raises(ObserverError, match=message):
        ObserverSpec.load(_write(tmp_path, doc))


def test_the_example_in_contract_2_2_is_a_complete_observer(tmp_path):
    """spec/CONTRACT.md 2.2 shows the file's layout in full (issue #34): the harness loads it as it is."""
    import re

    from harness.base.paths import ROOT
    from harness.target.observer import INTEGRATION_COLUMNS, QUERIES

    section = re.search(r"^### 2\.2 .*?(?=^### )", (ROOT / "spec" / "CONTRACT.md").read_text(), re.M | re.S)
    assert section, "spec/CONTRACT.md has no section 2.2"
    example = re.search(r"```yaml\n(.*?)```", section.group(0), re.S)
    assert example, "spec/CONTRACT.md 2.2 shows no YAML example of the observer"
    (tmp_path / "observer.yaml").write_text(example.group(1))
    observer = ObserverSpec.load(tmp_path / "observer.yaml")
    assert set(observer.queries) == set(QUERIES) and observer.reset
    assert all(column in observer.queries["integration"] for column in INTEGRATION_COLUMNS)
