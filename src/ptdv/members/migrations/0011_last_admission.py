import django.db.models.deletion
from django.db import migrations, models

# Each cell's last admission from the memberships (D49), in one statement on an upgraded
# database; members.services.last_admissions.rebuild runs the same one (kept here as it is
# today, so later changes to the service do not change this migration).
FILL = (
    'INSERT INTO members_lastadmission (cell_id, "on") SELECT admission_cell_id, MAX(joined_on) '
    "FROM members_membership WHERE admission_cell_id IS NOT NULL GROUP BY admission_cell_id"
)


def fill(apps, schema_editor):
    # A database that came through 0008 after 0008 stopped recomputing the aggregates has
    # members but no admission rows (D43): 0013 recomputes every aggregate row then (today's
    # rebuild, moved there from here: a later migration that adds an aggregate table moves it
    # after that table).
    Membership = apps.get_model("members", "Membership")
    AdmissionStat = apps.get_model("members", "AdmissionStat")
    if Membership.objects.exists() and AdmissionStat.objects.exists():
        schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_member_stat_base"),
        ("orgs", "0005_span_from_to"),
    ]

    operations = [
        migrations.CreateModel(
            name="LastAdmission",
            fields=[
                (
                    "cell",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="last_admission",
                        serialize=False,
                        to="orgs.org",
                    ),
                ),
                ("on", models.DateField()),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
