from django.apps import AppConfig


class WebtabConfig(AppConfig):
    name = "webtab"
