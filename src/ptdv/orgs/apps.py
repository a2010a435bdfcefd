from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ptdv.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"
