"""The frontend's Content Types tab, server-rendered (UI-1..3, SEC-7)."""

from accounts.models import Site
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from integration.services import read_back

from .templatetags.tabtext import exact


# One row per entry, built here rather than in a template loop: a site of 1,000 post types and
# 1,000 taxonomies renders in milliseconds (PERF-2). Every value is escaped; labels through `exact` (UI-2).
def _rows(kind, entries):
    yes = {True: "yes", False: "no"}
    rows = []
    for slug, entry in entries.items():
        types = f"<td>{escape(', '.join(entry['object_types']))}</td>" if "object_types" in entry else ""
        rows.append(
            f'<tr data-testid="{kind}-{escape(slug)}"><td data-testid="label">{exact(entry["label"])}</td><td><code>{escape(slug)}</code></td>'
            f'<td class="num" data-testid="count">{int(entry["count"])}</td><td class="num" data-testid="synced-count">{int(entry["synced_count"])}</td>'
            f"{types}<td>{yes[bool(entry['hierarchical'])]}</td><td>{yes[bool(entry['public'])]}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every part escaped above)


def _sites_of(user):
    return Site.objects.filter(account__users=user).select_related("account")


@login_required
def site_list(request):
    return render(request, "webtab/site_list.html", {"sites": _sites_of(request.user).order_by("name")})


@login_required
def content_types_tab(request, site_id):
    site = get_object_or_404(_sites_of(request.user), pk=site_id)  # a foreign site is a 404, as a missing one
    integration = site.integrations.filter(platform="wordpress").order_by("pk").first()
    data = read_back(integration) if integration else None
    last_sync = parse_datetime(data["last_structure_fetch"]) if data and data["last_structure_fetch"] else None
    context = {"site": site, "integration": integration, "data": data, "last_sync": last_sync}
    if data:
        context |= {"post_type_rows": _rows("post-type", data["post_types"]), "taxonomy_rows": _rows("taxonomy", data["taxonomies"])}
    return render(request, "webtab/content_types.html", context)
