# 补正 answered item by item (issue 13): rounds and items, and the reminders sent. Cases
# waiting for a correction when this runs get their round from the items they hold, with the
# default answer-by date counted from the return.

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def open_rounds_of_returned_cases(apps, schema_editor):
    ReviewCase = apps.get_model("review", "ReviewCase")
    CaseEvent = apps.get_model("review", "CaseEvent")
    CorrectionRound = apps.get_model("review", "CorrectionRound")
    CorrectionItem = apps.get_model("review", "CorrectionItem")
    days = getattr(settings, "CORRECTION_ANSWER_DAYS", 30)
    for case in ReviewCase.objects.filter(state="returned").select_related("submission"):
        entries = list(case.correction_entries or []) or [
            {"item": str(line)[:200], "detail": ""} for line in case.correction_items or []
        ]
        if not entries:
            continue
        event = (
            CaseEvent.objects.filter(case=case, action="return_for_correction")
            .order_by("-id")
            .first()
        )
        returned = event.at.date() if event is not None else case.updated_at.date()
        round_ = CorrectionRound.objects.create(
            case=case,
            number=1,
            submission_number=case.submission.number,
            note=event.reason if event is not None else "",
            answer_by=returned + timedelta(days=days),
            returned_by_id=event.actor_id if event is not None else None,
        )
        for position, entry in enumerate(entries, 1):
            CorrectionItem.objects.create(
                round=round_,
                position=position,
                item=str(entry.get("item") or "")[:200],
                detail=str(entry.get("detail") or "")[:1000],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0009_case_without_guidance_justification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CorrectionRound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(verbose_name="轮次")),
                ("submission_number", models.PositiveIntegerField(verbose_name="被退回的提交")),
                (
                    "resubmission_number",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="补正后的提交"),
                ),
                ("note", models.TextField(blank=True, verbose_name="审查人员说明")),
                ("answer_by", models.DateField(verbose_name="补正期限")),
                ("returned_at", models.DateTimeField(auto_now_add=True, verbose_name="退回时间")),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="重新提交时间"),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="correction_rounds",
                        to="review.reviewcase",
                    ),
                ),
                (
                    "returned_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "补正轮次",
                "verbose_name_plural": "补正轮次",
                "ordering": ["case", "number"],
            },
        ),
        migrations.CreateModel(
            name="CorrectionItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="序号")),
                ("item", models.CharField(max_length=200, verbose_name="所缺材料或内容")),
                ("detail", models.TextField(blank=True, max_length=1000, verbose_name="具体要求")),
                (
                    "answer",
                    models.TextField(blank=True, max_length=2000, verbose_name="申请人答复"),
                ),
                (
                    "changed",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("basics", "基本信息"),
                            ("energy", "能源消费"),
                            ("products", "主要产品"),
                            ("substitution", "能耗替代来源"),
                            ("attachments", "附件（节能报告等）"),
                            ("none", "未修改，仅作说明"),
                        ],
                        max_length=16,
                        verbose_name="修改之处",
                    ),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="review.correctionround",
                    ),
                ),
            ],
            options={
                "verbose_name": "补正事项",
                "verbose_name_plural": "补正事项",
                "ordering": ["round", "position"],
            },
        ),
        migrations.CreateModel(
            name="ReminderSent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("decision_due", "办理期限临近"),
                            ("decision_overdue", "办理期限已过"),
                            ("correction_due", "补正期限临近"),
                        ],
                        max_length=20,
                        verbose_name="提醒类型",
                    ),
                ),
                ("deadline", models.DateField(verbose_name="所提醒的期限")),
                ("sent_on", models.DateField(verbose_name="提醒日期")),
                ("recipients", models.PositiveIntegerField(default=0, verbose_name="收件人数")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders_sent",
                        to="review.reviewcase",
                    ),
                ),
            ],
            options={
                "verbose_name": "已发送的期限提醒",
                "verbose_name_plural": "已发送的期限提醒",
                "ordering": ["case", "sent_on", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="correctionround",
            constraint=models.UniqueConstraint(
                fields=("case", "number"), name="unique_correction_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="correctionitem",
            constraint=models.UniqueConstraint(
                fields=("round", "position"), name="unique_correction_item"
            ),
        ),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(
                fields=("case", "kind", "deadline"), name="one_reminder_per_deadline"
            ),
        ),
        migrations.RunPython(open_rounds_of_returned_cases, migrations.RunPython.noop),
    ]
