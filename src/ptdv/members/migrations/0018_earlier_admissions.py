from django.db import migrations, models

# The rows this migration adds columns for are filled by 0019 (by today's rebuild, which
# writes 0019's column too).


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
    ]
