from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "ptdv.members"
    label = "members"
    verbose_name = "Quản lý đảng viên"

    def ready(self) -> None:
        from ptdv.access.policy import register_scoped_model
        from ptdv.members.models import (
            CellMeeting,
            CommitteeMember,
            MemberEvent,
            MemberPeriod,
            Membership,
            Rating,
            Transfer,
        )

        # A membership belongs to the cell where the member is counted today; its events,
        # periods and ratings follow it. A transfer is the sending cell's until accepted.
        register_scoped_model(Membership, "cell__path")
        register_scoped_model(MemberEvent, "membership__cell__path")
        register_scoped_model(MemberPeriod, "membership__cell__path")
        register_scoped_model(Rating, "membership__cell__path")
        register_scoped_model(Transfer, "from_cell__path")
        register_scoped_model(CellMeeting, "cell__path")
        register_scoped_model(CommitteeMember, "org__path")

        # The person pages show the party standing; people cannot import members (D33).
        from ptdv.members.lists import person_panel, standing_labels
        from ptdv.people.views import StandingSource, register_standing_source

        register_standing_source(StandingSource(labels=standing_labels, panel=person_panel))

        # Transfers' deadlines and the watch lists go into each user's alerts digest (D42).
        from ptdv.alerts.providers import register
        from ptdv.members.alerts import transfer_items, watch_items

        register(transfer_items)
        register(watch_items)

        # The monthly aggregates (D39) follow the tree's moves and dissolutions and the
        # persons' attributes, in the transaction of the change.
        from django.db.models.signals import post_save, pre_save

        from ptdv.members.services import stats
        from ptdv.orgs import spans
        from ptdv.people.models import Person

        spans.watch(stats.tree_changing)

        # The counts kept for the top of the tree (D52) follow its writes.
        from django.db.models.signals import post_delete

        from ptdv.members.models import UnitFacts
        from ptdv.members.services import treecounts
        from ptdv.orgs.signals import units_changed

        units_changed.connect(treecounts.units_changed, dispatch_uid="members-tree-counts")
        post_delete.connect(
            treecounts.deleted, sender=UnitFacts, dispatch_uid="members-tree-counts-deleted"
        )
        pre_save.connect(_person_before, sender=Person, dispatch_uid="members-stats-person-pre")
        post_save.connect(_person_after, sender=Person, dispatch_uid="members-stats-person-post")


def _person_before(sender: object, instance: object, raw: bool = False, **kwargs: object) -> None:
    from ptdv.members.services import stats

    pk = getattr(instance, "pk", None)
    if pk is not None and not raw:
        instance._stats_dims = stats.person_dims(pk)  # type: ignore[attr-defined]


def _person_after(sender: object, instance: object, raw: bool = False, **kwargs: object) -> None:
    from ptdv.members.services import stats

    before = getattr(instance, "_stats_dims", None)
    if before is None or raw:
        return
    after = stats.person_dims(instance.pk)  # type: ignore[attr-defined]
    if after is not None:
        stats.person_changed(instance.pk, before, after)  # type: ignore[attr-defined]
    instance._stats_dims = None  # type: ignore[attr-defined]
