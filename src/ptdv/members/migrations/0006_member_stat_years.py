import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    # The rows are recomputed by 0008 (the rebuild of the code of today writes the admission
    # rows too, whose table does not exist yet here).
    return


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_member_stats"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberStatYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("dim", models.CharField(max_length=16)),
                ("value", models.CharField(max_length=40)),
                ("total", models.IntegerField(default=0)),
                ("official", models.IntegerField(default=0)),
                ("probationary", models.IntegerField(default=0)),
                ("exempted", models.IntegerField(default=0)),
                ("away", models.IntegerField(default=0)),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.org"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("org", "dim", "year", "value"), name="members_memberstatyear_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
