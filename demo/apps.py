from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo town 石桥镇 (``manage.py seed_demo``): no models, no pages; no app imports it."""

    name = "demo"
    verbose_name = "Demo town 石桥镇"
