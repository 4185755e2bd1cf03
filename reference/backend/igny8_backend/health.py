from django.conf import settings
from django.db import connection
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
            "database": serializers.CharField(),
        },
    )
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def health(request):
    """Unauthenticated: says the backend runs, which code, and that its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0].split(" on ")[0]
    return Response({"status": "ok", "version": __version__, "revision": settings.IGNY8_REVISION, "database": database})
