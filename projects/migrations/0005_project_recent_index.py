# The projects lists' order (-updated_at, -id) served by an index (issue 14).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_contract_v2_facts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["-updated_at", "-id"], name="project_recent_idx"),
        ),
    ]
