# The packs of aggregate rows (D57), compressed by PTĐV (zlib): PostgreSQL is told not to try
# compressing them again.

import django.db.models.deletion
from django.db import migrations, models




def compress(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_statpack ALTER COLUMN data SET STORAGE EXTERNAL")


def recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A database that came through 0008 after 0008 stopped recomputing the aggregates has
    # members but no admission rows (D43): every aggregate row was recomputed here by today's
    # rebuild (moved here from 0013); it moved on to 0018 (a later migration that changes a
    # table the rebuild writes moves it after that change).
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0015_stat_keys_lead'),
        ('orgs', '0005_span_from_to'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatPack',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('m', 'Thay đổi số đảng viên trong tháng'), ('y', 'Số đảng viên cuối năm'), ('a', 'Kết nạp trong tháng'), ('b', 'Kết nạp trong năm')], max_length=1)),
                ('period', models.DateField()),
                ('data', models.BinaryField()),
                ('org', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('org', 'kind', 'period'), name='members_statpack_key')],
            },
        ),
        migrations.RunPython(compress, migrations.RunPython.noop),
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
