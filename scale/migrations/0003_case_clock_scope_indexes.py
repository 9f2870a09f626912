"""Overdue counts per scope read an index, not every case of the scope (issue 14).

The queue's overdue badge and the overview's overdue figure count a scope's running cases whose
deadline has passed. With only ``(authority_id)`` and ``case_clock_deadline_idx (deadline, id)``
PostgreSQL read all 19,628 cases of the Jiangsu authority at 100,000 cases (67 ms) to count 719.
These two partial indexes hold only running cases (the states of ``review.workflow.RUNNING``, the
predicate of ``case_clock_deadline_idx``), keyed by the scope's column and the deadline: the count
is a range scan per scope branch (EXPLAIN in tests/scale/test_indexes.py).

Raw SQL in this app, next to the case counters' triggers: the review app's migrations are not
touched. On SQLite a later rebuild of the case table by a review migration drops them (speed only).
"""

from django.db import migrations

RUNNING = "('submitted', 'accepted', 'under_review', 'awaiting_guidance', 'change_requested')"


class Migration(migrations.Migration):
    dependencies = [
        ("scale", "0002_case_month_tally"),
        ("review", "0008_document_kind_labels"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_clock_authority_idx ON review_reviewcase "
            f"(authority_id, deadline) WHERE state IN {RUNNING}",
            "DROP INDEX IF EXISTS case_clock_authority_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_clock_province_idx ON review_reviewcase "
            f"(province, deadline) WHERE state IN {RUNNING}",
            "DROP INDEX IF EXISTS case_clock_province_idx",
        ),
    ]
