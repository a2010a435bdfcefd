from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "ptdv.people"
    label = "people"
    verbose_name = "Nhân sự"

    def ready(self) -> None:
        from ptdv.access.policy import register_scoped_model
        from ptdv.people.models import Conscription, Person

        # A person belongs to the unit that manages their record.
        register_scoped_model(Person, "org__path")
        register_scoped_model(Conscription, "person__org__path")
