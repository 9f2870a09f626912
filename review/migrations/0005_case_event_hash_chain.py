"""Hash chain of the audit events (review/audit.py): two columns, existing events chained in
(case, id) order. The immutability trigger of 0002 is lifted for the backfill only and is
re-created afterwards (SQLite drops it whenever a table is rebuilt by a schema change)."""

from django.db import migrations, models

import review.models
from review import audit

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS review_caseevent_no_update BEFORE UPDATE ON review_caseevent
BEGIN
    SELECT RAISE(ABORT, 'review_caseevent rows are immutable (audit record)');
END;
"""


def backfill(apps, schema_editor):
    CaseEvent = apps.get_model("review", "CaseEvent")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE review_caseevent DISABLE TRIGGER review_caseevent_no_change"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS review_caseevent_no_update")
    previous: dict[int, str] = {}
    for event in CaseEvent.objects.order_by("case_id", "id").iterator(chunk_size=2000):
        event.prev_hash = previous.get(event.case_id, audit.GENESIS)
        values = {name: getattr(event, name, None) for name in audit.CHAINED_FIELDS}
        values["prev_hash"] = event.prev_hash
        digest = audit.event_digest(values)
        CaseEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=digest)
        previous[event.case_id] = digest
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE review_caseevent ENABLE TRIGGER review_caseevent_no_change"
        )
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_scale_sector_event_submission_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="prev_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="上一记录哈希"
            ),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="hash",
            field=review.models.ChainHashField(
                blank=True, editable=False, max_length=64, verbose_name="记录哈希"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
