"""Give every existing unit its spans: one span from its founding day, placed as it stands now
(decision D28). The past before this migration is not known, so it is taken as today's tree."""

from django.db import migrations

STEPLEN = 4  # Org.steplen (treebeard)
SPAN_STEP = 8  # orgs.models.SPAN_STEP, frozen here as migrations must be


def backfill(apps, schema_editor):
    Org = apps.get_model("orgs", "Org")
    OrgSpan = apps.get_model("orgs", "OrgSpan")
    rows = list(
        Org.objects.values_list(
            "pk", "path", "depth", "name", "kind", "field", "valid_from", "valid_to"
        )
    )
    by_path = {row[1]: row[0] for row in rows}
    has_span = set(OrgSpan.objects.values_list("org_id", flat=True).distinct())
    spans = []
    for pk, path, depth, name, kind, field, valid_from, valid_to in rows:
        if pk in has_span or (valid_to is not None and valid_to <= valid_from):
            continue
        chain = [by_path[path[: i * STEPLEN]] for i in range(1, depth + 1)]
        spans.append(
            OrgSpan(
                org_id=pk,
                parent_id=chain[-2] if depth > 1 else None,
                path="".join(f"{i:0{SPAN_STEP}d}" for i in chain),
                depth=depth,
                name=name,
                kind=kind,
                field=field,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    OrgSpan.objects.bulk_create(spans, batch_size=1000)


def forget(apps, schema_editor):
    apps.get_model("orgs", "OrgSpan").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_orgspan")]

    operations = [migrations.RunPython(backfill, forget)]
