"""The frontend's Content Types tab, server-rendered (UI-1..3, SEC-7)."""

from accounts.models import Site
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_datetime
from integration.services import read_back


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
    return render(request, "webtab/content_types.html", context)
