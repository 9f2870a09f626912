import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_submission_details_correction_items"),
    ]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
                verbose_name="建设内容",
            ),
        ),
    ]
