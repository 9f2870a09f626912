# The split-project check's site branch (same region and industry) served by an index (issue 12).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_project_recent_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["region", "industry"], name="project_site_idx"),
        ),
    ]
