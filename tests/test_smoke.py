from ptdv.access import policy


def test_cast_scopes_people_by_subtree(cast):
    from ptdv.people.models import Person

    visible = policy.scope(cast.cell_secretary, Person.objects.all(), policy.Action.PERSON_VIEW)
    assert list(visible.values_list("pk", flat=True)) == [cast.person_a.pk]
    assert (
        policy.scope(cast.board_specialist, Person.objects.all(), policy.Action.PERSON_VIEW).count()
        == 3
    )
    assert policy.scope(cast.nobody, Person.objects.all(), policy.Action.PERSON_VIEW).count() == 0
