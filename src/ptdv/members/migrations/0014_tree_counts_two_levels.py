from django.db import migrations


def rebuild(apps, schema_editor):
    # The tree's counts are kept for two levels by default since this migration (D54): today's
    # rebuild writes the rows of the second level too (it reads and writes only the tables of
    # 0011 and 0012 and the tree's).
    Org = apps.get_model("orgs", "Org")
    if Org.objects.exists():
        from ptdv.members.services.treecounts import rebuild as rebuild_counts

        rebuild_counts()


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0013_admission_years"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
