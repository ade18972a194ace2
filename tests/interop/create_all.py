#!/usr/bin/python3
"""The reference the interop tests compare Athanor with: real SQLAlchemy.

Usage:
  create_all.py MODELS.py URL        run create_all() for the models on URL
  create_all.py --sql DIALECT MODELS.py
                                     print the statements create_all() emits for
                                     DIALECT (sqlite|postgresql) on an empty
                                     database, each followed by ";" and a blank line

Exit status 3 (with the reason on stderr) when the models file cannot be
imported here at all, e.g. it needs a package Debian does not ship.

The models file is imported by path. What it declares is found among its
globals: a Flask-SQLAlchemy SQLAlchemy() instance (its db.create_all() runs, in
an application context configured with URL), declarative bases and MetaData
objects (their metadata.create_all() runs). Run with Debian's /usr/bin/python3,
which has SQLAlchemy 1.4 and Flask-SQLAlchemy 3.0.
"""
import importlib.util
import os
import sys
import types

import sqlalchemy
from sqlalchemy import MetaData


def load(path):
    """Imports the models file. Tutorials' models often start with
    `from app import db` where app is the rest of an application the fixture
    does not carry: such a missing module is stood in for by one that holds
    `db = SQLAlchemy()`, the only name models files take from it."""
    path = os.path.abspath(path)
    sys.path.insert(0, os.path.dirname(path))
    for _ in range(5):
        spec = importlib.util.spec_from_file_location("interop_models", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        try:
            spec.loader.exec_module(module)
            return module
        except ModuleNotFoundError as e:
            if not e.name or e.name in sys.modules or e.name.split(".")[0] in (
                    "sqlalchemy", "flask", "flask_sqlalchemy"):
                raise
            from flask_sqlalchemy import SQLAlchemy
            stand_in = types.ModuleType(e.name)
            stand_in.db = SQLAlchemy()
            sys.modules[e.name] = stand_in
    raise SystemExit("create_all.py: cannot import " + path)


def targets(module):
    """The SQLAlchemy() instances and the MetaData objects of the other models."""
    try:
        from flask_sqlalchemy import SQLAlchemy
    except ImportError:
        SQLAlchemy = None
    dbs, metadatas, seen = [], [], set()
    for value in list(vars(module).values()):
        if SQLAlchemy is not None and isinstance(value, SQLAlchemy):
            if id(value) not in seen:
                seen.add(id(value))
                dbs.append(value)
                seen.add(id(value.metadata))
    for value in list(vars(module).values()):
        md = value if isinstance(value, MetaData) else getattr(value, "metadata", None)
        if isinstance(md, MetaData) and id(md) not in seen:
            seen.add(id(md))
            metadatas.append(md)
    return dbs, metadatas


def create_all(module, url):
    dbs, metadatas = targets(module)
    if not dbs and not metadatas:
        sys.exit("create_all.py: the models file declares no SQLAlchemy() and no MetaData")
    for db in dbs:
        from flask import Flask
        app = Flask("interop")
        app.config["SQLALCHEMY_DATABASE_URI"] = url
        app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
        db.init_app(app)
        with app.app_context():
            db.create_all()
    if metadatas:
        engine = sqlalchemy.create_engine(url)
        for md in metadatas:
            md.create_all(engine)
        engine.dispose()


def print_sql(module, dialect):
    dbs, metadatas = targets(module)
    statements = []

    def executor(sql, *multiparams, **params):
        statements.append(str(sql.compile(dialect=engine.dialect)).strip())

    engine = sqlalchemy.create_mock_engine(dialect + "://", executor)
    for md in [db.metadata for db in dbs] + metadatas:
        md.create_all(engine, checkfirst=False)
    sys.stdout.write("".join(s + ";\n\n" for s in sort_index_runs(statements)))


def sort_index_runs(statements):
    """A table's indexes sorted by statement text: SQLAlchemy keeps them in a
    set, so its own order changes from run to run; Athanor sorts them by name."""
    out, run = [], []
    for s in statements + [None]:
        if s is not None and s.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
            run.append(s)
            continue
        out.extend(sorted(run, key=index_name))
        run = []
        if s is not None:
            out.append(s)
    return out


def index_name(statement):
    words = statement.split()
    return words[3] if words[1] == "UNIQUE" else words[2]


def load_or_exit(path):
    try:
        return load(path)
    except ImportError as e:
        sys.stderr.write("create_all.py: cannot import %s: %s\n" % (path, e))
        sys.exit(3)


def main(argv):
    if len(argv) == 4 and argv[1] == "--sql":
        print_sql(load_or_exit(argv[3]), argv[2])
    elif len(argv) == 3 and not argv[1].startswith("-"):
        create_all(load_or_exit(argv[1]), argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
