from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "ptdv.people"
    label = "people"
    verbose_name = "Nhân sự"

    def ready(self) -> None:
        from ptdv.access.policy import register_scoped_model
        from ptdv.people.models import Person

        # A person belongs to the unit that manages their record.
        register_scoped_model(Person, "org__path")
