from django.db import migrations, models

# Each kept cell's three admission days before its last (D63), from the memberships, in two
# statements on an upgraded database (both databases run UPDATE … FROM). Kept here as it is
# today, so later changes to members.services.last_admissions do not change this migration.
FILL_LAST = (
    "UPDATE members_lastadmission SET earlier_1 = x.e1, earlier_2 = x.e2, earlier_3 = x.e3 "
    "FROM (SELECT cell, MAX(CASE WHEN r = 2 THEN day END) AS e1, "
    "MAX(CASE WHEN r = 3 THEN day END) AS e2, MAX(CASE WHEN r = 4 THEN day END) AS e3 "
    "FROM (SELECT cell, day, ROW_NUMBER() OVER (PARTITION BY cell ORDER BY day DESC) AS r "
    "FROM (SELECT DISTINCT admission_cell_id AS cell, joined_on AS day FROM members_membership "
    "WHERE admission_cell_id IS NOT NULL) d) y WHERE r BETWEEN 2 AND 4 GROUP BY cell) x "
    "WHERE members_lastadmission.cell_id = x.cell"
)


def child_statistics(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The nation's past day groups its cells' facts by province, the first two steps of their
    # paths: without statistics on that expression PostgreSQL expects one group a row and sorts
    # the country's 300,000 cells on disk (about 100 ms) instead of hashing 63 groups (D63).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS members_unitfacts_child ON (substring(path, 1, 16)) "
            "FROM members_unitfacts"
        )


def drop_child_statistics(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS members_unitfacts_child")


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A database that came through 0008 after 0008 stopped recomputing the aggregates has
    # members but no admission rows (D43, no admission packs either): every aggregate row is
    # recomputed by today's rebuild (moved here from 0016; it writes this migration's columns).
    # Any other database with a tree: its cells' earlier admission days, then the tree's counts
    # and facts by today's rebuild (moved here from 0012 and 0014), which copies those days
    # into the facts. The rebuilds read and write only the tables of 0018 and before.
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
        ("members", "0017_birth_parts"),
        ("orgs", "0005_span_from_to"),
    ]

    operations = [
        migrations.AddField(
            model_name="lastadmission",
            name="earlier_1",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="lastadmission",
            name="earlier_2",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="lastadmission",
            name="earlier_3",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="unitfacts",
            name="earlier_1",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="unitfacts",
            name="earlier_2",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="unitfacts",
            name="earlier_3",
            field=models.DateField(null=True),
        ),
        migrations.AddIndex(
            model_name="unitfacts",
            index=models.Index(fields=["path"], name="members_unitfacts_path"),
        ),
        migrations.RunPython(child_statistics, drop_child_statistics),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
