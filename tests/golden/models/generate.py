#!/usr/bin/python3
"""Prints what SQLAlchemy's create_all emits for a golden models case.

Usage: /usr/bin/python3 generate.py CASE_DIR sqlite|postgresql

Runs CASE_DIR/models.py with the real SQLAlchemy (Debian's 1.4 with
Flask-SQLAlchemy 3.0) and prints every statement of metadata.create_all()
on a mock engine, each followed by ";\\n\\n", in the format
ath_schema_to_sql writes. The CREATE INDEX statements after a table are
sorted by index name, since SQLAlchemy keeps a table's indexes in a set.
A module `app` holding `db = SQLAlchemy()` is provided for cases that
import their db from the application, as the tutorials do.
"""
import importlib.util
import re
import sys
import types

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeMeta


def load(case_dir):
    app = types.ModuleType("app")
    app.db = SQLAlchemy()
    sys.modules["app"] = app
    sys.path.insert(0, case_dir)
    spec = importlib.util.spec_from_file_location("models", case_dir + "/models.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["models"] = mod
    spec.loader.exec_module(mod)
    return mod, app


def metadatas(mod, app):
    found = []
    for value in list(vars(mod).values()) + [app.db]:
        md = None
        if isinstance(value, SQLAlchemy):
            md = value.metadata
        elif isinstance(value, sa.MetaData):
            md = value
        elif isinstance(value, type) and isinstance(value, DeclarativeMeta):
            md = value.metadata
        if md is not None and md.tables and all(md is not m for m in found):
            found.append(md)
    return found


def index_name(stmt):
    return re.match(r"CREATE (UNIQUE )?INDEX (\S+)", stmt).group(2)


def main():
    case_dir, dialect = sys.argv[1], sys.argv[2]
    mod, app = load(case_dir)
    out = []

    def dump(sql, *args, **kw):
        out.append(str(sql.compile(dialect=engine.dialect)).strip())

    engine = sa.create_mock_engine(dialect + "://", dump)
    mds = metadatas(mod, app)
    if len(mds) != 1:
        sys.exit("expected one MetaData with tables, found %d" % len(mds))
    mds[0].create_all(engine, checkfirst=False)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j].startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
            j += 1
        if j > i:
            out[i:j] = sorted(out[i:j], key=index_name)
            i = j
        else:
            i += 1
    sys.stdout.write("".join(s + ";\n\n" for s in out))


if __name__ == "__main__":
    main()
