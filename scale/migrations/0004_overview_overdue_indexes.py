"""The overview's overdue figure and table read only the cases they count (issue 14).

The overview counts and lists running cases whose deadline has passed in the states where the
authority's clock runs (``rules.selectors.CLOCK_STATES``: submitted, accepted, under review).
``case_clock_deadline_idx`` holds every running case (those states plus awaiting guidance and a
requested change), so at 100,000 cases PostgreSQL read 5,400 entries and 2,646 heap pages to
count 3,080 (8.7 ms), and the table's scan dropped 2,227 rows before its first (1.8 ms). With an
index whose predicate is exactly the clock states the count is an index-only scan (0.35 ms) and
the table reads its rows in order (0.1 ms); the province variant serves a provincial reviewer's
overview the same way (EXPLAIN in tests/scale/test_indexes.py).
"""

from django.db import migrations

CLOCK = "('submitted', 'accepted', 'under_review')"


class Migration(migrations.Migration):
    dependencies = [("scale", "0003_case_clock_scope_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_overdue_idx ON review_reviewcase "
            f"(deadline, id) WHERE state IN {CLOCK}",
            "DROP INDEX IF EXISTS case_overdue_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS case_overdue_province_idx ON review_reviewcase "
            f"(province, deadline, id) WHERE state IN {CLOCK}",
            "DROP INDEX IF EXISTS case_overdue_province_idx",
        ),
    ]
