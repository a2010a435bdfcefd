"""Store each unit's parent name and its folded search words (decision D23), filled in for
the units that already exist."""

from django.db import migrations, models

from ptdv.core.text import search_terms

STEPLEN = 4  # Org.steplen; the historical model has no class attributes


def fill(apps, schema_editor):
    Org = apps.get_model("orgs", "Org")
    names = dict(Org.objects.values_list("path", "name"))
    changed = []
    for org in Org.objects.order_by("path").iterator(chunk_size=2000):
        org.parent_name = names.get(org.path[:-STEPLEN], "") if org.depth > 1 else ""
        # As Org.folded_search_text (the historical model has no methods).
        words = search_terms(f"{org.name} {org.short_name} {org.code} {org.parent_name}")
        org.search_text = "".join(f" {word}" for word in words)
        changed.append(org)
    Org.objects.bulk_update(changed, ["parent_name", "search_text"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="org",
            name="parent_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="tên tổ chức cấp trên"),
        ),
        migrations.AddField(
            model_name="org",
            name="search_text",
            field=models.CharField(blank=True, editable=False, max_length=700),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
