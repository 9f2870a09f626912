"""Audit events are never updated or deleted: enforced by the database as well as by the model.

PostgreSQL: a trigger rejects UPDATE and DELETE of review_caseevent rows (TRUNCATE, used only by
the test runner's flush, is not a row operation). SQLite: UPDATE is rejected; DELETE stays
possible because the test runner's flush deletes rows one table at a time, and the model's
``delete()`` refuses anyway.
"""

from django.db import migrations

PG_FORWARD = (
    """CREATE OR REPLACE FUNCTION review_caseevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'review_caseevent rows are immutable (audit record)';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS review_caseevent_no_change ON review_caseevent",
    """CREATE TRIGGER review_caseevent_no_change BEFORE UPDATE OR DELETE ON review_caseevent
    FOR EACH ROW EXECUTE FUNCTION review_caseevent_immutable()""",
)
PG_BACKWARD = (
    "DROP TRIGGER IF EXISTS review_caseevent_no_change ON review_caseevent",
    "DROP FUNCTION IF EXISTS review_caseevent_immutable()",
)
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS review_caseevent_no_update BEFORE UPDATE ON review_caseevent
BEGIN
    SELECT RAISE(ABORT, 'review_caseevent rows are immutable (audit record)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS review_caseevent_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
