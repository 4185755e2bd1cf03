from django.conf import settings
from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response

from . import __version__


@extend_schema(
    responses=inline_serializer(
        "Health",
        {
            "status": serializers.CharField(),
            "version": serializers.CharField(),
            "revision": serializers.CharField(),
            "database": serializers.CharField(help_text='"ok": the database answered. Never its product or version (OPS-3).'),
        },
    )
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def health(request):
    """Unauthenticated: says the backend runs, which code, and that its database answers; it names
    no database product or version, which would tell anyone which vulnerabilities to try (OPS-3)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            database = "ok" if cursor.fetchone() == (1,) else "unexpected answer"
    except DatabaseError:
        database = "unavailable"  # never the error's text: it names the database (OPS-3)
    body = {"status": "ok" if database == "ok" else "degraded", "version": __version__, "revision": settings.IGNY8_REVISION, "database": database}
    return Response(body, status=200 if database == "ok" else 503)  # PROTOCOL.md 1: 503 while the database does not answer
