from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ptdv.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from ptdv.access.policy import register_scoped_model
        from ptdv.orgs.models import Org

        # A unit is scoped by its own place in the tree.
        register_scoped_model(Org, "path")
