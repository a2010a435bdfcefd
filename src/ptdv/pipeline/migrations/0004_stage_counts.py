from django.db import migrations, models

# The open cases' counts per kept unit, stage and day (D50), computed in SQL on an upgraded
# database, as pipeline.stagecounts.rebuild does today (kept here as it is now, so later changes
# to the service do not change this migration). The cases carry their cell's path (0003).
STEP = 4  # the tree paths' step (treebeard's, Org.steplen), not the spans' SPAN_STEP


def fill(apps, schema_editor):
    from django.conf import settings

    levels = int(getattr(settings, "PTDV_FUNNEL_LEVELS", 1))
    for level in range(1, levels + 1):
        length = level * STEP
        for kind, column in (("s", "stage_since"), ("d", "next_due_on")):
            schema_editor.execute(
                f"INSERT INTO pipeline_stagecount (path, stage, kind, day, n) "
                f"SELECT SUBSTR(cell_path, 1, {length}), stage, '{kind}', {column}, COUNT(*) "
                f"FROM pipeline_case WHERE outcome = '' AND LENGTH(cell_path) >= {length} "
                f"AND {column} IS NOT NULL GROUP BY SUBSTR(cell_path, 1, {length}), stage, "
                f"{column}"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0003_cell_path"),
    ]

    operations = [
        migrations.CreateModel(
            name="StageCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=255)),
                ("stage", models.CharField(max_length=32)),
                ("kind", models.CharField(max_length=1)),
                ("day", models.DateField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("path", "stage", "kind", "day"), name="pipeline_stagecount_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
