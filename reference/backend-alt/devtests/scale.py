"""Time the read-back of a large site, by hand against a local gunicorn: 1,000 + 1,000 entries, 100,000 items."""

import json
import statistics
import sys
import time
from datetime import UTC, datetime

import requests

t = json.load(open(sys.argv[1]))["Harness"]
IID = t["integration_id"]
URL = "http://127.0.0.1:18000/api/v1/integration/integrations"
S = requests.Session()
S.headers.update({"X-Forwarded-Proto": "https", "Host": "api.igny8.test", "Authorization": f"Bearer {t['api_key']}"})
S.post(URL + "/connect/", json={})
now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
structure = {
    "schema_version": 1,
    "site_url": "https://big.example",
    "wp_version": "6.1",
    "plugin_version": "1.0.0",
    "generated_at": now,
    "post_types": {f"type{i}": {"label": f"Type {i}", "count": i, "hierarchical": False, "public": True} for i in range(1000)},
    "taxonomies": {f"tax{i}": {"label": f"Tax {i}", "count": i, "hierarchical": False, "public": True, "object_types": ["post"]} for i in range(1000)},
}
t0 = time.perf_counter()
r = S.post(URL + f"/{IID}/update-structure/", json=structure)
print("structure", r.status_code, time.perf_counter() - t0)
t0 = time.perf_counter()
for start in range(0, 100000, 500):
    items = [
        {
            "external_id": n + 1,
            "post_type": f"type{n % 1000}",
            "title": f"Post {n}",
            "status": "publish",
            "terms": {f"tax{n % 1000}": [f"term{n % 37}", f"t{n % 5}"], "category": [f"c{n % 50}"]},
        }
        for n in range(start, start + 500)
    ]
    r = S.post(URL + f"/{IID}/sync-content/", json={"items": items})
    assert r.status_code == 200, r.text
print("content", time.perf_counter() - t0)
samples = []
for _ in range(5):
    t0 = time.perf_counter()
    r = S.get(URL + f"/{IID}/content-types/")
    samples.append(time.perf_counter() - t0)
print("read", r.status_code, len(r.content), statistics.median(samples), samples)
