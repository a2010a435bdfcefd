# The aggregate tables lose the index Django gives a foreign key: each table's unique key leads
# with the unit, so it serves the same lookups (and the cascade from a unit), and the index was
# a tenth of the tables' bytes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0014_tree_counts_two_levels'),
        ('orgs', '0005_span_from_to'),
    ]

    operations = [
        migrations.AlterField(
            model_name='admissionstat',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org'),
        ),
        migrations.AlterField(
            model_name='admissionstatyear',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org'),
        ),
        migrations.AlterField(
            model_name='memberstat',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org'),
        ),
        migrations.AlterField(
            model_name='memberstatbase',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org'),
        ),
        migrations.AlterField(
            model_name='memberstatyear',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org'),
        ),
    ]
