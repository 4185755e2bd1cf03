"""SEC-1: every integration request carries "Authorization: Bearer <api key>"."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from . import keys
from .models import SiteIntegration


class KeyRefused(exceptions.AuthenticationFailed):
    def __init__(self, code, message):
        super().__init__(message)
        self.error_code = code


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates the integration, not a user: request.auth is the SiteIntegration."""

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None  # HasIntegrationKey answers 401 missing_api_key
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise KeyRefused("malformed_authorization", 'Send the API key as "Authorization: Bearer <key>".')
        integration = self._integration_for(key)
        if integration is None:
            raise KeyRefused("invalid_api_key", "The API key is not valid.")
        if integration.api_key_revoked_at is not None or not integration.is_active:
            raise KeyRefused("revoked_api_key", "The API key has been revoked or its integration is inactive.")
        return (None, integration)

    @staticmethod
    def _integration_for(key):
        if not keys.looks_like_key(key):
            return None
        candidate = SiteIntegration.objects.select_related("site").filter(api_key_prefix=keys.key_prefix(key)).first()
        if candidate is None or not keys.matches(key, candidate.api_key_hash):
            return None
        return candidate

    def authenticate_header(self, request):
        return 'Bearer realm="igny8"'


class HasIntegrationKey(permissions.BasePermission):
    def has_permission(self, request, view):
        if isinstance(request.auth, SiteIntegration):
            return True
        raise exceptions.NotAuthenticated('Send the API key as "Authorization: Bearer <key>".')


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The integration's API key (igny8_...)."}
