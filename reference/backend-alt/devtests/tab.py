"""The tab and its login over HTTP, by hand against a local gunicorn (cookies carried by hand: they are Secure)."""

import json
import re
import sys

import requests

t = json.load(open(sys.argv[1]))
h, b = t["Harness"], t["Bystander"]
BASE = "http://127.0.0.1:18000"
H = {"X-Forwarded-Proto": "https", "Host": "api.igny8.test"}


class Browser:
    def __init__(self):
        self.cookie = None

    def req(self, method, path, **kw):
        headers = dict(H)
        if self.cookie:
            headers["Cookie"] = self.cookie
        r = requests.request(method, BASE + path, headers=headers, allow_redirects=False, **kw)
        sc = r.headers.get("Set-Cookie")
        if sc:
            self.cookie = sc.split(";")[0]
        return r

    def login(self, user, pw, site):
        r = self.req("GET", f"/accounts/sign-in/?next=/sites/{site}/content-types/")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        return self.req("POST", "/accounts/sign-in/", data={"csrf": csrf, "username": user, "password": pw, "next": f"/sites/{site}/content-types/"})


s = Browser()
r = s.req("GET", f"/sites/{h['site_id']}/content-types/")
print("anon", r.status_code, r.headers.get("Location"))
r = s.login("ＨＡＲＮＥＳＳ ", h["password"], h["site_id"])
print("login fullwidth", r.status_code, r.headers.get("Location"))
r = s.req("GET", f"/sites/{h['site_id']}/content-types/")
print("tab", r.status_code)
print(r.text[r.text.find("<main>") :][:3000])
print("other tab", s.req("GET", f"/sites/{b['site_id']}/content-types/").status_code)
print("missing tab", s.req("GET", "/sites/99999/content-types/").status_code)
s2 = Browser()
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    r = s2.login("bystander", "wrong", b["site_id"])
    print("fail", i, r.status_code, r.headers.get("Retry-After"))
r = s2.login(" BYSTANDER", b["password"], b["site_id"])
print("right pw during wait", r.status_code, r.headers.get("Retry-After"))
r = Browser().login("harness", h["password"], h["site_id"])
print("other user", r.status_code, r.headers.get("Location"))
