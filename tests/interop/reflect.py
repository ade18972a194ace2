#!/usr/bin/python3
"""Prints a database's schema as SQLAlchemy's inspector reflects it, as JSON.

Usage: reflect.py URL

Every table's columns, primary key, unique constraints, indexes, foreign keys
and check constraints, sorted so that two databases with the same schema print
the same text; on PostgreSQL also the enum types and comments; on SQLite also
the CREATE statements sqlite_master keeps, which show the exact DDL that ran.
"""
import json
import sys

import sqlalchemy
from sqlalchemy import inspect


def plain(value, dialect):
    if isinstance(value, sqlalchemy.types.TypeEngine):
        return value.compile(dialect=dialect)
    if isinstance(value, dict):
        return {k: plain(v, dialect) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, dialect) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def key(item):
    return json.dumps(item, sort_keys=True)


def reflect(url):
    engine = sqlalchemy.create_engine(url)
    insp = inspect(engine)
    d = engine.dialect
    out = {"tables": {}}
    for table in sorted(insp.get_table_names()):
        entry = {
            "columns": plain(insp.get_columns(table), d),
            "pk": plain(insp.get_pk_constraint(table), d),
            "uniques": sorted(plain(insp.get_unique_constraints(table), d), key=key),
            "indexes": sorted(plain(insp.get_indexes(table), d), key=key),
            "foreign_keys": sorted(plain(insp.get_foreign_keys(table), d), key=key),
            "checks": sorted(plain(insp.get_check_constraints(table), d), key=key),
        }
        if d.name == "postgresql":
            entry["comment"] = plain(insp.get_table_comment(table), d)
        out["tables"][table] = entry
    with engine.connect() as conn:
        if d.name == "postgresql":
            out["enums"] = sorted(plain(insp.get_enums(), d), key=key)
        else:
            rows = conn.execute(sqlalchemy.text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))
            out["sqlite_master"] = [list(r) for r in rows]
    engine.dispose()
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    json.dump(reflect(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
