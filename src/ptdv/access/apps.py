from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "ptdv.access"
    label = "access"
    verbose_name = "Người dùng và phân quyền"
