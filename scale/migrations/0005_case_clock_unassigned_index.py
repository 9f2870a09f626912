"""A reviewer's overdue count reads the cases of his province without an authority from an index
alone (issue 14).

The queue's overdue count sums one count per part of the reviewer's scope (review.permissions
``case_scope_parts``, review.counts). The part of the province's cases that no authority holds filters on
``authority_id IS NULL``: with this predicate in the index the count is an index-only scan
(EXPLAIN in tests/scale/test_indexes.py) instead of a bitmap scan that visits the table.
"""

from django.db import migrations

RUNNING = "('submitted', 'accepted', 'under_review', 'awaiting_guidance', 'change_requested')"


class Migration(migrations.Migration):
    dependencies = [("scale", "0004_overview_overdue_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_clock_unassigned_idx ON review_reviewcase "
            f"(province, deadline) WHERE state IN {RUNNING} AND authority_id IS NULL",
            "DROP INDEX IF EXISTS case_clock_unassigned_idx",
        ),
    ]
