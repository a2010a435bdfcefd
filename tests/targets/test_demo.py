"""The demo sets plausible targets through the service; the reset deletes them and their
history."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from ptdv.demo import loader
from ptdv.orgs.models import Org
from ptdv.targets import selectors
from ptdv.targets.models import Metric, Target
from tests.factories import TODAY


def test_demo_targets_add_up_and_reset_removes_them(db):
    loader.load_demo(seed=loader.DEFAULT_SEED, people=300, today=TODAY)
    root = Org.objects.get(depth=1)
    year = Target.objects.filter(start_year=2026, end_year=2026, metric=Metric.NEW_MEMBERS)
    province = year.get(unit=root)
    split = selectors.children_split(root, 2026, 2026, today=TODAY)
    assert split.adds_up
    assert split.total == int(province.value) > 0
    assert Target.objects.filter(unit=root, start_year=2020, end_year=2025).count() == 1
    assert Target.objects.get(unit=root, metric=Metric.WOMEN).value == Decimal(40)
    assert Target.history.count() == Target.objects.count()
    assert selectors.progress(root, year=2026, today=TODAY).target == int(province.value)

    call_command("demo", people=40, reset=True)
    assert Target.history.filter(history_type="-").count() == 0
