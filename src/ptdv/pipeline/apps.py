from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "ptdv.pipeline"
    label = "pipeline"
    verbose_name = "Phát triển đảng viên"

    def ready(self) -> None:
        from ptdv.access.policy import register_scoped_model
        from ptdv.orgs.models import Org
        from ptdv.pipeline.models import Case, PoolEntry, TrainingBatch

        # Cases and pool entries belong to the cell that owns them: the scope is a range of the
        # cell's path as the row carries it (D48), kept when the tree moves.
        register_scoped_model(Case, "cell_path")
        register_scoped_model(PoolEntry, "cell_path")
        register_scoped_model(TrainingBatch, "organiser__path")

        from ptdv.orgs.signals import paths_moved
        from ptdv.pipeline.paths import moved

        paths_moved.connect(moved, sender=Org, dispatch_uid="pipeline-cell-paths")

        # A deleted case leaves the funnel's kept counts (D50); saves are kept by Case.save.
        from django.db.models.signals import post_delete

        from ptdv.pipeline.stagecounts import deleted

        post_delete.connect(deleted, sender=Case, dispatch_uid="pipeline-stage-counts")

        from ptdv.pipeline.config import rules_config

        # A wrong PTDV_RULES stops the server at start, not at the first step recorded.
        rules_config()

        # The cases' deadlines go into each user's alerts digest (D42).
        from ptdv.alerts.providers import register
        from ptdv.pipeline.alerts import case_items

        register(case_items)
