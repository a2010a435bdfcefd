from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ptdv.alerts"
    label = "alerts"
    verbose_name = "Nhắc việc"
