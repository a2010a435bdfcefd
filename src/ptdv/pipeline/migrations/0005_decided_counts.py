from django.db import migrations

# The decided and refused cases' counts per kept unit and day (D55), computed in SQL on an
# upgraded database as pipeline.stagecounts.history_selects does today (kept here as it is now,
# so later changes to the service do not change this migration).
STEP = 4  # the tree paths' step (treebeard's, Org.steplen), not the spans' SPAN_STEP


def fill(apps, schema_editor):
    from django.conf import settings

    levels = int(getattr(settings, "PTDV_FUNNEL_LEVELS", 1))
    state = (
        "CASE WHEN ceremony_on IS NOT NULL THEN 'admitted' "
        "WHEN outcome <> '' THEN 'closed' ELSE 'waiting' END"
    )
    for level in range(1, levels + 1):
        length = level * STEP
        unit = f"SUBSTR(cell_path, 1, {length})"
        for select in (
            f"SELECT {unit}, {state}, 'x', decision_on, COUNT(*) FROM pipeline_case "
            f"WHERE decision_on IS NOT NULL AND LENGTH(cell_path) >= {length} "
            f"GROUP BY {unit}, {state}, decision_on",
            f"SELECT {unit}, 'refused', 'r', closed_on, COUNT(*) FROM pipeline_case "
            f"WHERE outcome = 'refused' AND closed_on IS NOT NULL "
            f"AND LENGTH(cell_path) >= {length} GROUP BY {unit}, closed_on",
        ):
            schema_editor.execute(
                f"INSERT INTO pipeline_stagecount (path, stage, kind, day, n) {select}"
            )


def empty(apps, schema_editor):
    schema_editor.execute("DELETE FROM pipeline_stagecount WHERE kind IN ('x', 'r')")


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0004_stage_counts"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
