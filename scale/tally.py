"""Case counters kept by the database (``CaseTally``): the triggers, a rebuild, and the reads.

Counting cases per state (the queue's tabs, the counts API, the overview) used to scan every
case in scope on every page: at 100,000 cases that was most of a page's time (issue 14). The
counters are maintained by row triggers on ``review_reviewcase``, so they stay exact whatever
writes a case: the review services, the admin, ``QuerySet.update`` or COPY.

The triggers are (re)installed after every ``migrate`` (``post_migrate``), since SQLite drops a
table's triggers when a migration rebuilds the table; a rebuild from the cases follows, so the
counters are exact after every migration. ``manage.py generate_load_data`` and anyone who
suspects drift can call :func:`rebuild`.

On PostgreSQL one trigger function applies the two changes of an update (old key -1, new key +1)
in key order, so that two transactions moving cases between the same two rows wait for each
other instead of deadlocking.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from .models import TALLY_FIELDS, CaseMonthTally, CaseTally

CASES = "review_reviewcase"
TALLY = "scale_casetally"
COLUMNS = "key, authority_id, province, route, state, recommendation, two_high, sector, n, tce"


def tally_key(row: dict[str, Any]) -> str:
    """The key the triggers compute, from a case's tally fields (``TALLY_FIELDS``)."""
    return "|".join(
        [
            "" if row["authority_id"] is None else str(row["authority_id"]),
            row["province"] or "",
            row["route"] or "",
            row["state"] or "",
            row["recommendation"] or "",
            "1" if row["two_high"] else "0",
            row["sector"] or "",
        ]
    )


def _pg_key(rec: str) -> str:
    return (
        f"concat_ws('|', coalesce({rec}.authority_id::text, ''), {rec}.province, {rec}.route, "
        f"{rec}.state, {rec}.recommendation, CASE WHEN {rec}.two_high THEN '1' ELSE '0' END, "
        f"{rec}.sector)"
    )


def _pg_values(rec: str, sign: str) -> str:
    return (
        f"{rec}.authority_id, {rec}.province, {rec}.route, {rec}.state, {rec}.recommendation, "
        f"{rec}.two_high, {rec}.sector, {sign}1, {sign}coalesce({rec}.counted_tce, 0)"
    )


POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION scale_tally_add(
    k text, a bigint, p varchar, r varchar, s varchar, rec varchar, th boolean, sec varchar,
    dn bigint, dt double precision
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO {TALLY} ({COLUMNS}) VALUES (k, a, p, r, s, rec, th, sec, dn, dt)
    ON CONFLICT (key) DO UPDATE
    SET n = {TALLY}.n + EXCLUDED.n, tce = {TALLY}.tce + EXCLUDED.tce
$$;

CREATE OR REPLACE FUNCTION scale_case_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key text;
    new_key text;
BEGIN
    -- A bulk load (scale.loadgen) switches the counting off and recounts once afterwards.
    IF current_setting('scale.tally_off', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN old_key := {_pg_key("OLD")}; END IF;
    IF TG_OP <> 'DELETE' THEN new_key := {_pg_key("NEW")}; END IF;
    IF TG_OP = 'UPDATE' AND old_key = new_key
       AND OLD.counted_tce IS NOT DISTINCT FROM NEW.counted_tce THEN
        RETURN NULL;
    END IF;
    IF old_key IS NOT NULL AND (new_key IS NULL OR old_key <= new_key) THEN
        PERFORM scale_tally_add(old_key, {_pg_values("OLD", "-")});
        IF new_key IS NOT NULL THEN
            PERFORM scale_tally_add(new_key, {_pg_values("NEW", "")});
        END IF;
    ELSE
        PERFORM scale_tally_add(new_key, {_pg_values("NEW", "")});
        IF old_key IS NOT NULL THEN
            PERFORM scale_tally_add(old_key, {_pg_values("OLD", "-")});
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS scale_case_tally ON {CASES};
CREATE TRIGGER scale_case_tally AFTER INSERT OR UPDATE OR DELETE ON {CASES}
    FOR EACH ROW EXECUTE FUNCTION scale_case_tally();
"""


def _sqlite_key(rec: str) -> str:
    return (
        f"coalesce({rec}.authority_id, '') || '|' || {rec}.province || '|' || {rec}.route || '|' "
        f"|| {rec}.state || '|' || {rec}.recommendation || '|' || "
        f"(CASE WHEN {rec}.two_high THEN '1' ELSE '0' END) || '|' || {rec}.sector"
    )


def _sqlite_upsert(rec: str, sign: str) -> str:
    return (
        f"INSERT INTO {TALLY} ({COLUMNS}) VALUES ({_sqlite_key(rec)}, {rec}.authority_id, "
        f"{rec}.province, {rec}.route, {rec}.state, {rec}.recommendation, {rec}.two_high, "
        f"{rec}.sector, {sign}1, {sign}coalesce({rec}.counted_tce, 0)) "
        f"ON CONFLICT (key) DO UPDATE SET n = n + excluded.n, tce = tce + excluded.tce;"
    )


SQLITE = [
    "DROP TRIGGER IF EXISTS scale_case_tally_insert",
    "DROP TRIGGER IF EXISTS scale_case_tally_delete",
    "DROP TRIGGER IF EXISTS scale_case_tally_update",
    f"CREATE TRIGGER scale_case_tally_insert AFTER INSERT ON {CASES} BEGIN "
    f"{_sqlite_upsert('NEW', '')} END",
    f"CREATE TRIGGER scale_case_tally_delete AFTER DELETE ON {CASES} BEGIN "
    f"{_sqlite_upsert('OLD', '-')} END",
    f"CREATE TRIGGER scale_case_tally_update AFTER UPDATE OF authority_id, province, route, "
    f"state, recommendation, two_high, sector, counted_tce ON {CASES} BEGIN "
    f"{_sqlite_upsert('OLD', '-')} {_sqlite_upsert('NEW', '')} END",
]


MONTHS = "scale_casemonthtally"
MONTH_COLUMNS = "key, kind, authority_id, province, month, n, tce"


def _pg_month(tz: str) -> str:
    def month(rec: str, column: str) -> str:
        return f"to_char({rec}.{column} AT TIME ZONE '{tz}', 'YYYY-MM')"

    def add(kind: str, rec: str, var: str, sign: str) -> str:
        return (
            f"PERFORM scale_month_add('{kind}', {rec}.authority_id, {rec}.province, {var}, "
            f"{sign}1, {sign}coalesce({rec}.counted_tce, 0));"
        )

    return f"""
CREATE OR REPLACE FUNCTION scale_month_add(
    kd varchar, a bigint, p varchar, m varchar, dn bigint, dt double precision
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO {MONTHS} ({MONTH_COLUMNS})
    VALUES (concat_ws('|', kd, coalesce(a::text, ''), p, m), kd, a, p, m, dn, dt)
    ON CONFLICT (key) DO UPDATE
    SET n = {MONTHS}.n + EXCLUDED.n, tce = {MONTHS}.tce + EXCLUDED.tce
$$;

CREATE OR REPLACE FUNCTION scale_case_month_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_r text; new_r text; old_a text; new_a text; moved boolean := false;
BEGIN
    IF current_setting('scale.tally_off', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_r := {month("OLD", "submitted_at")};
        IF OLD.state = 'approved' AND OLD.decided_at IS NOT NULL THEN
            old_a := {month("OLD", "decided_at")};
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_r := {month("NEW", "submitted_at")};
        IF NEW.state = 'approved' AND NEW.decided_at IS NOT NULL THEN
            new_a := {month("NEW", "decided_at")};
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        moved := OLD.province IS DISTINCT FROM NEW.province
            OR OLD.authority_id IS DISTINCT FROM NEW.authority_id
            OR OLD.counted_tce IS DISTINCT FROM NEW.counted_tce;
    END IF;
    IF TG_OP <> 'UPDATE' OR moved OR old_r IS DISTINCT FROM new_r THEN
        IF old_r IS NOT NULL THEN {add("received", "OLD", "old_r", "-")} END IF;
        IF new_r IS NOT NULL THEN {add("received", "NEW", "new_r", "")} END IF;
    END IF;
    IF TG_OP <> 'UPDATE' OR moved OR old_a IS DISTINCT FROM new_a THEN
        IF old_a IS NOT NULL THEN {add("approved", "OLD", "old_a", "-")} END IF;
        IF new_a IS NOT NULL THEN {add("approved", "NEW", "new_a", "")} END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS scale_case_month_tally ON {CASES};
CREATE TRIGGER scale_case_month_tally AFTER INSERT OR UPDATE OR DELETE ON {CASES}
    FOR EACH ROW EXECUTE FUNCTION scale_case_month_tally();
"""


def _sqlite_month(offset: str) -> list[str]:
    def upsert(kind: str, rec: str, column: str, sign: str, condition: str) -> str:
        month = f"strftime('%Y-%m', {rec}.{column}, '{offset}')"
        return (
            f"INSERT INTO {MONTHS} ({MONTH_COLUMNS}) SELECT '{kind}' || '|' || "
            f"coalesce({rec}.authority_id, '') || '|' || {rec}.province || '|' || {month}, "
            f"'{kind}', {rec}.authority_id, {rec}.province, {month}, {sign}1, "
            f"{sign}coalesce({rec}.counted_tce, 0) WHERE {condition} "
            f"ON CONFLICT (key) DO UPDATE SET n = n + excluded.n, tce = tce + excluded.tce;"
        )

    def both(rec: str, sign: str) -> str:
        approved = f"{rec}.state = 'approved' AND {rec}.decided_at IS NOT NULL"
        return (
            upsert("received", rec, "submitted_at", sign, f"{rec}.submitted_at IS NOT NULL")
            + " "
            + upsert("approved", rec, "decided_at", sign, approved)
        )

    return [
        "DROP TRIGGER IF EXISTS scale_case_month_insert",
        "DROP TRIGGER IF EXISTS scale_case_month_delete",
        "DROP TRIGGER IF EXISTS scale_case_month_update",
        f"CREATE TRIGGER scale_case_month_insert AFTER INSERT ON {CASES} BEGIN "
        f"{both('NEW', '')} END",
        f"CREATE TRIGGER scale_case_month_delete AFTER DELETE ON {CASES} BEGIN "
        f"{both('OLD', '-')} END",
        f"CREATE TRIGGER scale_case_month_update AFTER UPDATE OF authority_id, province, state, "
        f"counted_tce, submitted_at, decided_at ON {CASES} BEGIN "
        f"{both('OLD', '-')} {both('NEW', '')} END",
    ]


def _utc_offset() -> str:
    """The local zone's offset for SQLite's date functions (the zone has no daylight saving:
    Asia/Shanghai; a zone with it would be off by an hour around the change)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings

    offset = datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"{minutes:+d} minutes"


def install(connection: Any = None) -> bool:
    """Create (or replace) the triggers; False on a database without them (none kept)."""
    connection = connection or default_connection
    tables = set(connection.introspection.table_names())
    if CASES not in tables or TALLY not in tables:
        return False
    if MONTHS not in tables:
        return False
    from django.conf import settings

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
            cursor.execute(_pg_month(settings.TIME_ZONE))
        elif connection.vendor == "sqlite":
            for statement in [*SQLITE, *_sqlite_month(_utc_offset())]:
                cursor.execute(statement)
        else:
            return False
    return True


def rebuild(using: str = "default") -> int:
    """Recount every tally row from the cases (one grouped scan); returns the rows written."""
    from review.models import ReviewCase

    with transaction.atomic(using=using):
        if default_connection.vendor == "postgresql":
            with default_connection.cursor() as cursor:  # no case moves while recounting
                cursor.execute(f"LOCK TABLE {CASES} IN SHARE MODE")
        CaseTally.objects.using(using).all().delete()
        rows = (
            ReviewCase.objects.using(using)
            .order_by()
            .values(*TALLY_FIELDS)
            .annotate(count=Count("pk"), total=Coalesce(Sum("counted_tce"), 0.0))
        )
        tallies = [
            CaseTally(
                key=tally_key(row),
                **{field: row[field] for field in TALLY_FIELDS},
                n=row["count"],
                tce=row["total"],
            )
            for row in rows
        ]
        CaseTally.objects.using(using).bulk_create(tallies, batch_size=1000)
        _rebuild_months(using)
    return len(tallies)


def _rebuild_months(using: str) -> None:
    from review.models import ReviewCase

    CaseMonthTally.objects.using(using).all().delete()
    cases = ReviewCase.objects.using(using).order_by()
    rows: list[CaseMonthTally] = []
    for kind, qs, column in (
        (CaseMonthTally.Kind.RECEIVED, cases.filter(submitted_at__isnull=False), "submitted_at"),
        (
            CaseMonthTally.Kind.APPROVED,
            cases.filter(state="approved", decided_at__isnull=False),
            "decided_at",
        ),
    ):
        grouped = (
            qs.annotate(m=TruncMonth(column))
            .values("authority_id", "province", "m")
            .annotate(count=Count("pk"), total=Coalesce(Sum("counted_tce"), 0.0))
        )
        for row in grouped:
            month = row["m"].strftime("%Y-%m")
            authority = "" if row["authority_id"] is None else str(row["authority_id"])
            rows.append(
                CaseMonthTally(
                    key=f"{kind}|{authority}|{row['province']}|{month}",
                    kind=kind,
                    authority_id=row["authority_id"],
                    province=row["province"],
                    month=month,
                    n=row["count"],
                    tce=row["total"],
                )
            )
    CaseMonthTally.objects.using(using).bulk_create(rows, batch_size=1000)


def month_counts(kind: str, year: int, scope: Q | None = None) -> dict[int, tuple[int, float]]:
    """Cases and counted tce per month (1-12) of ``year`` for ``kind`` (received, approved)
    within ``scope`` (authority, province); one query on the monthly counters."""
    rows = (
        CaseMonthTally.objects.filter(scope or Q(), kind=kind, month__startswith=f"{year}-")
        .order_by()
        .values("month")
        .annotate(count=Sum("n"), total=Sum("tce"))
    )
    return {
        int(row["month"][5:]): (int(row["count"]), float(row["total"] or 0.0))
        for row in rows
        if row["count"]
    }


def counts_by(field: str, scope: Q | None = None) -> dict[str, int]:
    """Cases per value of ``field`` within ``scope`` (a filter on the case fields the tally
    keeps: authority, province, route, state, ...); one query on the tally."""
    qs = CaseTally.objects.filter(scope or Q(), n__gt=0)
    return {
        row[field]: row["total"]
        for row in qs.order_by().values(field).annotate(total=Sum("n")).order_by(field)
        if row["total"]
    }


def totals(scope: Q | None = None, **filters: Any) -> tuple[int, float]:
    """Number of cases and their counted tce within ``scope`` and ``filters``; one query."""
    result = CaseTally.objects.filter(scope or Q(), **filters).aggregate(
        n=Coalesce(Sum("n"), 0), tce=Coalesce(Sum("tce"), 0.0)
    )
    return int(result["n"]), float(result["tce"])


def approved_tce_by_province(year: int, scope: Q | None = None) -> dict[str, float]:
    """Counted tce of the cases approved in ``year``, per province; one query."""
    rows = (
        CaseMonthTally.objects.filter(
            scope or Q(), kind=CaseMonthTally.Kind.APPROVED, month__startswith=f"{year}-"
        )
        .order_by()
        .values("province")
        .annotate(total=Sum("tce"), count=Sum("n"))
    )
    return {row["province"]: float(row["total"] or 0.0) for row in rows if row["count"]}
