"""A quick check of the backend over HTTP, run by hand against a local gunicorn (README.md).

BASE=http://127.0.0.1:18000 python devtests/smoke.py /tmp/igny8-seed-tenants.json
"""

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import requests

BASE = os.environ.get("BASE", "http://127.0.0.1:18000")
H = {"X-Forwarded-Proto": "https", "Host": "api.igny8.test"}
tenants = json.load(open(sys.argv[1]))
t = tenants["Harness"]
other = tenants["Bystander"]
IID = t["integration_id"]
URL = f"{BASE}/api/v1/integration/integrations"


def call(method, path, key=t["api_key"], **kw):
    headers = dict(H)
    if key:
        headers["Authorization"] = f"Bearer {key}"
    headers.update(kw.pop("headers", {}))
    return requests.request(method, URL + path, headers=headers, **kw)


def now(delta=timedelta()):
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def structure(**over):
    s = {
        "schema_version": 1,
        "site_url": "https://blog.example",
        "wp_version": "6.1.9",
        "plugin_version": "1.0.0",
        "generated_at": now(),
        "post_types": {"post": {"label": "Posts", "count": 12, "hierarchical": False, "public": True}},
        "taxonomies": {
            "category": {"label": "Categories", "count": 4, "hierarchical": True, "public": True, "object_types": ["post"]},
            "pa_größe": {"label": "Größe\r\n<b>x</b>", "count": 1, "hierarchical": False, "public": True, "object_types": ["attachment:image"]},
        },
    }
    s.update(over)
    return s


def show(label, r):
    print(f"{label}: {r.status_code} {r.text[:300]}")


show("missing key", call("POST", "/connect/", key=None))
show("malformed", call("POST", "/connect/", headers={"Authorization": "Token abc"}, key=None))
show("wrong key", call("POST", "/connect/", key="igny8_nope"))
show("update before connect", call("POST", f"/{IID}/update-structure/", json=structure()))
show("connect", call("POST", "/connect/", json={"site_url": "https://blog.example/"}))
show("connect other site", call("POST", "/connect/", json={"site_url": "https://other.example"}))
show("test", call("POST", f"/{IID}/test-connection/"))
show("foreign id", call("POST", f"/{other['integration_id']}/test-connection/"))
show("missing id", call("POST", "/999999/test-connection/"))
show("update", call("POST", f"/{IID}/update-structure/", json=structure()))
show("stale", call("POST", f"/{IID}/update-structure/", json=structure(generated_at="2020-01-01T00:00:00Z")))
show("future", call("POST", f"/{IID}/update-structure/", json=structure(generated_at=now(timedelta(days=1)))))
show("4min ahead", call("POST", f"/{IID}/update-structure/", json=structure(generated_at=now(timedelta(minutes=4)))))
show("ordinary after", call("POST", f"/{IID}/update-structure/", json=structure()))
show("v2", call("POST", f"/{IID}/update-structure/", json=structure(schema_version=2)))
show("extra field", call("POST", f"/{IID}/update-structure/", json=structure(extra=1)))
bad = structure()
bad["post_types"]["post"]["mine"] = 1
bad["wp_version"] = "6.1\n"
bad["site_url"] = "https://a b"
bad["taxonomies"]["x" * 33] = bad["taxonomies"]["category"]
show("invalid", call("POST", f"/{IID}/update-structure/", json=bad))
show("feb 30", call("POST", f"/{IID}/update-structure/", json=structure(generated_at="2026-02-30T00:00:00Z")))
show("malformed json", call("POST", f"/{IID}/update-structure/", data=b"{nope", headers={"Content-Type": "application/json"}))
show("text/plain", call("POST", f"/{IID}/update-structure/", data=json.dumps(structure()), headers={"Content-Type": "text/plain"}))
show("too large", call("POST", f"/{IID}/update-structure/", data=b"x" * (6 * 1024 * 1024), headers={"Content-Type": "application/json"}))
show(
    "sync",
    call(
        "POST",
        f"/{IID}/sync-content/",
        json={
            "items": [
                {"external_id": 1, "post_type": "post", "title": "A", "status": "publish", "url": "", "terms": {"category": ["news", "x"], "pa_größe": ["l"]}},
                {"external_id": 2, "post_type": "post", "title": "B", "status": "publish", "terms": {"category": ["news"]}},
                {"external_id": 3, "post_type": "page", "title": "C", "status": "publish"},
            ]
        },
    ),
)
show("read", call("GET", f"/{IID}/content-types/"))
one = [{"external_id": 1, "post_type": "post", "title": "A", "status": "publish"}]
show("walk 0", call("POST", f"/{IID}/sync-content/", json={"items": one, "walk": {"id": "w1", "batch": 0}}))
show("beside", call("POST", f"/{IID}/sync-content/", json={"items": [{"external_id": 3, "post_type": "page", "title": "C", "status": "publish"}]}))
show("walk 0 again", call("POST", f"/{IID}/sync-content/", json={"items": [], "walk": {"id": "w1", "batch": 0}}))
show("walk last", call("POST", f"/{IID}/sync-content/", json={"items": [], "walk": {"id": "w1", "batch": 1, "last": True}}))
show("read", call("GET", f"/{IID}/content-types/"))
show("bad walk", call("POST", f"/{IID}/sync-content/", json={"walk": {"id": "a b", "batch": 0}}))
show("bad walk nl", call("POST", f"/{IID}/sync-content/", json={"walk": {"id": "ab\n", "batch": 0}}))
plain = {"X-Forwarded-Proto": "http", "Authorization": f"Bearer {t['api_key']}"}
show("plain http", requests.post(URL + f"/{IID}/update-structure/", json=structure(), headers=plain, allow_redirects=False))
show("no xfp", requests.get(BASE + "/api/v1/health/", allow_redirects=False))
show("bad host", requests.get(BASE + "/api/v1/health/", headers={"X-Forwarded-Proto": "https", "Host": "evil.example"}))
show("disconnect", call("POST", f"/{IID}/disconnect/"))
show("update after disconnect", call("POST", f"/{IID}/update-structure/", json=structure()))
show("connect other site after disconnect", call("POST", "/connect/", json={"site_url": "https://other.example"}))
show("405", call("GET", f"/{IID}/update-structure/"))
t0 = time.time()
codes = [call("POST", f"/{IID}/test-connection/").status_code for _ in range(25)]
print("throttle", codes, time.time() - t0)
r = call("POST", f"/{IID}/test-connection/")
show("throttled", r)
print(r.headers.get("Retry-After"))
show("other tenant meanwhile", call("POST", "/connect/", key=other["api_key"]))
