# The year and the month of birth apart (D60): the stock rows and packs of a database that has
# them gain the dimensions "byear" and "bmonth", summed from its months of birth ("birth",
# "YYYY-MM"), so `ptdv stats rebuild --check` finds them as the writes now keep them. No table
# changes. Kept here as it is today: SQL on the rows, the packs' JSON read and written here.

import json
import zlib

from django.db import migrations

# (table, the column of its period)
TABLES = (
    ("members_memberstat", "month"),
    ("members_memberstatyear", "year"),
    ("members_memberstatbase", "through"),
)
PARTS = (("byear", 1, 4), ("bmonth", 6, 2))
COUNTS = ("total", "official", "probationary", "exempted", "away")
FILL = (
    "INSERT INTO {table} (org_id, {period}, dim, value, {counts}) "
    "SELECT org_id, {period}, '{dim}', SUBSTR(value, {start}, {size}), {sums} "
    "FROM {table} WHERE dim = 'birth' "
    "GROUP BY org_id, {period}, SUBSTR(value, {start}, {size}) HAVING {nonzero}"
)


def _decode(data):  # type: ignore[no-untyped-def]
    raw = bytes(data) if not isinstance(data, str) else data.encode()
    return json.loads(raw if raw[:1] == b"{" else zlib.decompress(raw))


def _encode(pack):  # type: ignore[no-untyped-def]
    kept = {
        dim: {value: counts for value, counts in sorted(values.items()) if any(counts)}
        for dim, values in sorted(pack.items())
    }
    text = json.dumps({dim: values for dim, values in kept.items() if values},
                      separators=(",", ":"), ensure_ascii=False)  # fmt: skip
    return zlib.compress(text.encode(), 6)


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    unfill(apps, schema_editor)
    for table, period in TABLES:
        for dim, start, size in PARTS:
            schema_editor.execute(FILL.format(
                table=table, period=period, dim=dim, start=start, size=size,
                counts=", ".join(COUNTS),
                sums=", ".join(f"SUM({c})" for c in COUNTS),
                nonzero=" OR ".join(f"SUM({c}) <> 0" for c in COUNTS),
            ))  # fmt: skip
    StatPack = apps.get_model("members", "StatPack")
    for pack in StatPack.objects.filter(kind__in=["m", "y"]).iterator(chunk_size=2000):
        found = _decode(pack.data)
        births = found.get("birth")
        if not births:
            continue
        for dim, start, size in PARTS:
            summed = found.setdefault(dim, {})
            for value, counts in births.items():
                part = value[start - 1 : start - 1 + size]
                kept = summed.setdefault(part, [0] * len(counts))
                for i, n in enumerate(counts):
                    kept[i] += n
        pack.data = _encode(found)
        pack.save(update_fields=["data"])


def unfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table, _period in TABLES:
        schema_editor.execute(f"DELETE FROM {table} WHERE dim IN ('byear', 'bmonth')")
    StatPack = apps.get_model("members", "StatPack")
    for pack in StatPack.objects.filter(kind__in=["m", "y"]).iterator(chunk_size=2000):
        found = _decode(pack.data)
        if "byear" in found or "bmonth" in found:
            found.pop("byear", None)
            found.pop("bmonth", None)
            pack.data = _encode(found)
            pack.save(update_fields=["data"])


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0016_stat_packs'),
    ]

    operations = [
        migrations.RunPython(fill, unfill),
    ]
