"""IntegrationViewSet: the API the plugin calls (CONN-*, STORE-*, READ-*, CONTENT-1)."""

import logging

from content.services import apply_batch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from igny8_backend.errors import ApiError
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import serializers as s
from .models import SiteIntegration
from .services import BOUND_SITE, read_back, refuse_another_site, store_structure
from .structure import SCHEMA_VERSIONS

log = logging.getLogger("igny8.integration")

ERRORS = {code: OpenApiResponse(s.ErrorResponse) for code in (400, 401, 404, 409, 413, 415, 429)}


class IntegrationViewSet(viewsets.GenericViewSet):
    serializer_class = s.ContentTypesResponse

    def initial(self, request, *args, **kwargs):
        """ERR-2, ERR-3: every body is read before the operation runs, whether or not the operation
        uses it: one that is not JSON (400), not application/json (415) or over the limit (413) is
        refused, and changes nothing, on every endpoint (disconnect/ and test-connection/ too)."""
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            request.data  # noqa: B018  (DRF parses on first access: that is the check)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting, no request
            return SiteIntegration.objects.none()
        # SEC-2, SEC-9: a key reaches its own integration only; any other id, even of the same site,
        # is simply "not found".
        return SiteIntegration.objects.filter(pk=self.request.auth.pk)

    @extend_schema(request=s.ConnectRequest, responses={200: s.ConnectResponse, **ERRORS})
    @action(detail=False, methods=["post"])
    def connect(self, request):
        # An empty body is {} here; a JSON null or array is no ConnectRequest, and is refused (400), not taken for {}.
        body = s.ConnectRequest(data=request.data)
        body.is_valid(raise_exception=True)
        integration = request.auth
        site_url = body.validated_data.get("site_url")
        refuse_another_site(integration, site_url)
        integration.status = SiteIntegration.Status.CONNECTED
        integration.connected_at = timezone.now()
        if site_url:
            integration.config_json = {**integration.config_json, BOUND_SITE: site_url}
        integration.save(update_fields=["status", "connected_at", "config_json"])
        log.info("integration %s connected from %s", integration.pk, body.validated_data.get("site_url", "?"))
        return Response(
            {
                "integration_id": integration.pk,
                "site_id": integration.site_id,
                "site_name": integration.site.name,
                "status": integration.status,
                "schema_versions": list(SCHEMA_VERSIONS),
            }
        )

    @extend_schema(request=None, responses={200: s.TestConnectionResponse, **ERRORS})
    @action(detail=True, methods=["post"], url_path="test-connection")
    def test_connection(self, request, pk=None):
        integration = self.get_object()
        return Response({"ok": True, "integration_id": integration.pk, "site_id": integration.site_id, "status": integration.status})

    @extend_schema(
        request={"application/json": {"$ref": "https://igny8.example/spec/structure.schema.json"}},
        responses={200: s.UpdateStructureResponse, **ERRORS},
        description="Stores the site structure (spec/structure.schema.json) in config_json['content_types'].",
    )
    @action(detail=True, methods=["post"], url_path="update-structure")
    def update_site_structure(self, request, pk=None):
        integration = self.get_object()
        if not isinstance(request.data, dict):
            raise ApiError(400, "invalid_structure", "The structure must be a JSON object.", [{"path": "$", "message": "not an object"}])
        integration = store_structure(integration.pk, request.data)
        log.info(
            "integration %s structure stored (%d post types, %d taxonomies)",
            integration.pk,
            len(request.data["post_types"]),
            len(request.data["taxonomies"]),
        )
        return Response(
            {
                "success": True,
                "last_structure_fetch": integration.config_json["last_structure_fetch"],
                "post_types": len(request.data["post_types"]),
                "taxonomies": len(request.data["taxonomies"]),
            }
        )

    @extend_schema(responses={200: s.ContentTypesResponse, **ERRORS})
    @action(detail=True, methods=["get"], url_path="content-types")
    def content_types(self, request, pk=None):
        return Response(read_back(self.get_object()))

    @extend_schema(request=s.SyncContentRequest, responses={200: s.SyncContentResponse, **ERRORS})
    @action(detail=True, methods=["post"], url_path="sync-content")
    def sync_content(self, request, pk=None):
        integration = self.get_object()
        if integration.status != SiteIntegration.Status.CONNECTED:
            raise ApiError(409, "not_connected", "Connect the integration before sending content.")
        body = s.SyncContentRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upserted, deleted = apply_batch(integration, data.get("items", []), data.get("deleted", []), data.get("walk"))
        return Response({"upserted": upserted, "deleted": deleted})

    @extend_schema(request=None, responses={200: s.TestConnectionResponse, **ERRORS})
    @action(detail=True, methods=["post"])
    def disconnect(self, request, pk=None):
        integration = self.get_object()
        integration.status = SiteIntegration.Status.DISCONNECTED
        integration.config_json = {k: v for k, v in integration.config_json.items() if k != BOUND_SITE}  # CONN-9: another site may connect now
        integration.save(update_fields=["status", "config_json"])
        return Response({"ok": True, "integration_id": integration.pk, "site_id": integration.site_id, "status": integration.status})
