from django.db import migrations, models

# Each stage's open cases in the board's order, so that a large unit's first cards are a short
# walk of the index rather than a ranking of every case under it (D68, pipeline.boards).


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0006_covering_path_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["outcome", "stage", "next_due_on", "stage_since", "id", "cell_path"],
                name="pipeline_case_stage_due",
            ),
        ),
    ]
