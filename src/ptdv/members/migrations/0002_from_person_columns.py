"""Move the party standing kept on Person (decision D16) into the registry (decision D29).

Each person with a standing gets one membership and its events: admitted on the ceremony day
(or the decision day when no ceremony date was kept), recognised on the official day, and the
exit on the day they left. The derived columns and periods come from the same replay the
services use; a person whose dates do not replay cleanly is reported and kept as far as they do.
"""

from __future__ import annotations

from datetime import date

from django.db import migrations

from ptdv.members.rules import replay as rp

_EXIT = {
    "probation_deleted": "probation_deleted",
    "resigned": "resigned",
    "resigned_hardship": "resigned",
    "disunity": "expelled",
    "corruption": "expelled",
    "serious_crime": "expelled",
    "less_serious_crime": "expelled",
    "population_policy": "expelled",
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    Membership = apps.get_model("members", "Membership")
    MemberEvent = apps.get_model("members", "MemberEvent")
    MemberPeriod = apps.get_model("members", "MemberPeriod")
    today = date.today()
    people = Person.objects.exclude(party_status="").order_by("pk")
    for person in people.iterator():
        joined = person.party_joined_on or person.party_decision_on
        if joined is None:
            continue
        status = person.party_status
        membership = Membership.objects.create(
            person=person,
            cell_id=person.org_id,
            decision_on=person.party_decision_on or joined,
            joined_on=joined,
            status="probationary",
            sort_key=person.sort_key,
        )
        events = [
            MemberEvent(membership=membership, kind="admitted", on=joined, cell_id=person.org_id)
        ]
        if person.party_official_on:
            events.append(
                MemberEvent(
                    membership=membership,
                    kind="recognised",
                    on=person.party_official_on,
                    cell_id=person.org_id,
                )
            )
        if status == "former" and person.party_left_on:
            kind = _EXIT.get(person.party_left_reason, "removed")
            if kind in ("removed", "expelled") and not person.party_official_on:
                kind = "probation_deleted"
            events.append(
                MemberEvent(
                    membership=membership,
                    kind=kind,
                    on=person.party_left_on,
                    cell_id=person.org_id,
                    cause=person.party_left_reason,
                )
            )
        for event in events:
            event.save()
        result = rp.replay(
            [rp.Event(pk=e.pk, kind=e.kind, on=e.on, cell_id=e.cell_id) for e in events],
            today=max(today, *(e.on for e in events)),
        )
        state = result.state
        membership.status = state.standing
        membership.official_on = state.official_on
        membership.left_on = state.left_on
        membership.left_kind = state.left_kind
        membership.save()
        MemberPeriod.objects.bulk_create(
            MemberPeriod(
                membership=membership,
                person_id=person.pk,
                cell_id=p.cell_id,
                standing=p.standing,
                exempted=p.exempted,
                temp_cell_id=p.temp_cell_id,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
            )
            for p in result.periods
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("people", "0003_party_status"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
