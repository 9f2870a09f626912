"""Contract v2 facts of a project: project type, unchanged site/process/equipment, the national
major project's filing and relief share, and exported energy lines (EnergyLine.kind)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_project_description_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="project_type",
            field=models.CharField(
                blank=True, max_length=32, verbose_name="项目类型（不单独进行节能审查的项目类型）"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="unchanged_site_process_equipment",
            field=models.BooleanField(
                default=False, verbose_name="改建项目建设地点、主要生产工艺和设备未改变"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="national_major_document",
            field=models.CharField(blank=True, max_length=100, verbose_name="国家重大项目备案文号"),
        ),
        migrations.AddField(
            model_name="project",
            name="national_major_relief_share",
            field=models.FloatField(default=0, verbose_name="国家重大项目能耗减免比例"),
        ),
        migrations.AlterField(
            model_name="energyline",
            name="kind",
            field=models.CharField(
                choices=[("energy", "项目用能"), ("baseline", "改建前用能"), ("exported", "外供能源")],
                default="energy",
                max_length=8,
            ),
        ),
    ]
