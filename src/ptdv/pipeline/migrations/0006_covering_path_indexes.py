from django.db import migrations, models

# The indexes of the cases under a unit hold the columns their reads need as key columns, so
# that SQLite (where Django writes no INCLUDE columns) reads them from the index alone too; the
# open cases' index leads with the outcome instead of being partial (pipeline.models.Case).


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0005_decided_counts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="pipeline_case_path_open"),
        migrations.RemoveIndex(model_name="case", name="pipeline_case_path"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["outcome", "cell_path", "stage", "stage_since", "next_due_on", "source"],
                include=("id",),
                name="pipeline_case_path_open",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["cell_path", "decision_on", "outcome", "closed_on", "ceremony_on"],
                include=("id",),
                name="pipeline_case_path",
            ),
        ),
    ]
