from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "ptdv.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu phát triển đảng viên"

    def ready(self) -> None:
        from ptdv.access.policy import register_scoped_model
        from ptdv.targets.models import Target

        # A target belongs to the unit it is set for.
        register_scoped_model(Target, "unit__path")
