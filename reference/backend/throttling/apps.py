from django.apps import AppConfig


class ThrottlingConfig(AppConfig):
    name = "throttling"

    def ready(self):
        from .counters import configured_rate

        for setting in ("IGNY8_API_RATE", "IGNY8_LOGIN_RATE"):  # a rate set wrong stops the start, not the first request
            configured_rate(setting)
