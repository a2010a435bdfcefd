from django.db import migrations, models

# The open cases' counts per kept unit, stage and month they entered the stage or are due, and
# the provinces' counts too (D69: the top two levels keep counts by default). Every row is
# computed again in SQL on an upgraded database, as pipeline.stagecounts.rebuild does today
# (kept here as it is now, so later changes to the service do not change this migration). The
# rows' key leads with the kind after the unit: a read of one kind across the stages is one
# range.
STEP = 4  # the tree paths' step (treebeard's, Org.steplen), not the spans' SPAN_STEP


def _month(column, vendor):
    if vendor == "postgresql":
        return f"CAST(DATE_TRUNC('month', {column}) AS DATE)"
    return f"DATE({column}, 'start of month')"


def fill(apps, schema_editor):
    from django.conf import settings

    levels = int(getattr(settings, "PTDV_FUNNEL_LEVELS", 2))
    vendor = schema_editor.connection.vendor
    state = (
        "CASE WHEN ceremony_on IS NOT NULL THEN 'admitted' "
        "WHEN outcome <> '' THEN 'closed' ELSE 'waiting' END"
    )
    selects = []
    for level in range(1, levels + 1):
        length = level * STEP
        unit = f"SUBSTR(cell_path, 1, {length})"
        for kind, column, known in (
            ("s", "stage_since", "stage_since"),
            ("d", "next_due_on", "next_due_on"),
            ("m", _month("stage_since", vendor), "stage_since"),
            ("u", _month("next_due_on", vendor), "next_due_on"),
        ):
            selects.append(
                f"SELECT {unit}, stage, '{kind}', {column}, COUNT(*) FROM pipeline_case "
                f"WHERE outcome = '' AND LENGTH(cell_path) >= {length} AND {known} IS NOT NULL "
                f"GROUP BY {unit}, stage, {column}"
            )
        selects.append(
            f"SELECT {unit}, {state}, 'x', decision_on, COUNT(*) FROM pipeline_case "
            f"WHERE decision_on IS NOT NULL AND LENGTH(cell_path) >= {length} "
            f"GROUP BY {unit}, {state}, decision_on"
        )
        selects.append(
            f"SELECT {unit}, 'refused', 'r', closed_on, COUNT(*) FROM pipeline_case "
            f"WHERE outcome = 'refused' AND closed_on IS NOT NULL "
            f"AND LENGTH(cell_path) >= {length} GROUP BY {unit}, closed_on"
        )
    schema_editor.execute("DELETE FROM pipeline_stagecount")
    for select in selects:
        schema_editor.execute(f"INSERT INTO pipeline_stagecount (path, stage, kind, day, n) {select}")


def empty(apps, schema_editor):
    schema_editor.execute("DELETE FROM pipeline_stagecount WHERE kind IN ('m', 'u')")


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0007_board_stage_index"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="stagecount", name="pipeline_stagecount_key"),
        migrations.AddConstraint(
            model_name="stagecount",
            constraint=models.UniqueConstraint(
                fields=("path", "kind", "stage", "day"), name="pipeline_stagecount_key"
            ),
        ),
        migrations.RunPython(fill, empty),
    ]
