"""The dialect-specific writes: INSERT ... ON CONFLICT for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

Row = dict[str, Any]


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's own INSERT construct (both spell ON CONFLICT the same way)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {conn.dialect.name}")


def _keys(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _last_per_key(table: Table, rows: Sequence[Row]) -> list[Row]:
    """One row per key, the last one winning, as consecutive replaces would leave it."""
    keys = _keys(table)
    kept: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        kept[tuple(row[k] for k in keys)] = row
    return list(kept.values())


def replace(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows, replacing the stored row with the same primary key."""
    if not rows:
        return
    stmt = _insert(conn, table)
    keys = _keys(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys,
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys})
    conn.execute(stmt, _last_per_key(table, rows))


def add_counts(conn: Connection, table: Table, rows: Sequence[Row], column: str) -> None:
    """Insert rows, or add their `column` to the stored row's with the same primary key."""
    if not rows:
        return
    keys = _keys(table)
    totals: dict[tuple[Any, ...], Row] = {}
    for row in rows:  # summed first: PostgreSQL refuses to update one row twice in a statement
        key = tuple(row[k] for k in keys)
        if key in totals:
            totals[key] = {**totals[key], column: totals[key][column] + row[column]}
        else:
            totals[key] = dict(row)
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys, set_={column: table.c[column] + stmt.excluded[column]})
    conn.execute(stmt, list(totals.values()))
