from django.db import migrations, models

# Each kept cell's three admission days before its last (D63), from the memberships, in two
# statements on an upgraded database (both databases run UPDATE … FROM). Kept here as it was
# written for 0018, so later changes to members.services.last_admissions do not change this
# migration.
FILL_LAST = (
    "UPDATE members_lastadmission SET earlier_1 = x.e1, earlier_2 = x.e2, earlier_3 = x.e3 "
    "FROM (SELECT cell, MAX(CASE WHEN r = 2 THEN day END) AS e1, "
    "MAX(CASE WHEN r = 3 THEN day END) AS e2, MAX(CASE WHEN r = 4 THEN day END) AS e3 "
    "FROM (SELECT cell, day, ROW_NUMBER() OVER (PARTITION BY cell ORDER BY day DESC) AS r "
    "FROM (SELECT DISTINCT admission_cell_id AS cell, joined_on AS day FROM members_membership "
    "WHERE admission_cell_id IS NOT NULL) d) y WHERE r BETWEEN 2 AND 4 GROUP BY cell) x "
    "WHERE members_lastadmission.cell_id = x.cell"
)


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A database that came through 0008 after 0008 stopped recomputing the aggregates has
    # members but no admission rows (D43, no admission packs either): every aggregate row is
    # recomputed by today's rebuild (moved here from 0016 through 0018; it writes this
    # migration's column).
    # Any other database with a tree: its cells' earlier admission days (D63), then the tree's
    # counts and facts by today's rebuild (moved here from 0012, 0014 and 0018), which copies
    # those days into the facts and counts the idle stretches (D66). The rebuilds read and
    # write only the tables of 0019 and before.
    Membership = apps.get_model("members", "Membership")
    AdmissionStat = apps.get_model("members", "AdmissionStat")
    AdmissionStatYear = apps.get_model("members", "AdmissionStatYear")
    StatPack = apps.get_model("members", "StatPack")
    Org = apps.get_model("orgs", "Org")
    admissions_kept = (
        AdmissionStat.objects.exists()
        or AdmissionStatYear.objects.exists()
        or StatPack.objects.filter(kind__in=["a", "b"]).exists()
    )
    if Membership.objects.exists() and not admissions_kept:
        from ptdv.members.services.stats import rebuild

        rebuild()
    elif Org.objects.exists():
        schema_editor.execute(FILL_LAST)
        from ptdv.members.services.treecounts import rebuild as rebuild_counts

        rebuild_counts()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0018_earlier_admissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitfacts",
            name="idle",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
