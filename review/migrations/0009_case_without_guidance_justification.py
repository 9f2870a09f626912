# Deciding while the window-guidance request is unanswered: the recorded reason (issue 10).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0008_document_kind_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewcase",
            name="without_guidance_justification",
            field=models.TextField(blank=True, verbose_name="未待窗口指导意见即作出决定的理由"),
        ),
    ]
