"""The API's throttle (OPS-4): each integration key has its own rate, so one busy or runaway site
never slows another tenant down. DRF answers 429 with Retry-After from `wait()`."""

from rest_framework.throttling import BaseThrottle

from .counters import configured_rate, count


class IntegrationKeyThrottle(BaseThrottle):
    def allow_request(self, request, view):
        if request.auth is None:  # no key (health): nothing to count against
            return True
        self.seconds = count("api", str(request.auth.pk), configured_rate("IGNY8_API_RATE"))
        return self.seconds is None

    def wait(self):
        return self.seconds
