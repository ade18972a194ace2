"""The kinds of change tests/interop/test_migrate.sh has `flask db migrate` and
`athanor migrate` write a script for (tests/interop/migrate/run.py runs them).

Each scenario is a pair of Flask-SQLAlchemy models files, v1 (what the
database holds) and v2 (what the models say), written out as
HEADER + the body, and options:
  dialects   where it runs (default both);
  rename     --rename arguments for athanor migrate (do-better: data kept);
  kwargs     extra Migrate() / env options, e.g. compare_server_default;
  golden     Athanor's script is compared with expected/NAME.DIALECT.py
             instead of Flask-Migrate's, for the dialects listed: the changes
             where Athanor does better than Alembic;
  before     SQL run on the v1 database before migrating (rows to keep);
  after      (SQL, expected rows) checked once Alembic ran Athanor's script;
  notes      text athanor migrate must print on stderr, per dialect or "*";
  cross      also run Athanor's SQLite script on PostgreSQL under Alembic;
  no_change  dialects where neither tool may write a script;
  ignore_pk_name  dialects where the primary key keeps its old name (a
             renamed table on PostgreSQL), so inspect compares without it;
  downgrade_keeps_v2  dialects where the downgrade cannot undo the change
             (an enum value stays on PostgreSQL): the database stays as v2;
  downgrade_named  dialects where the downgrade re-creates an unnamed
             constraint under the name batch_alter_table's naming_convention
             gave it (SQLite: batch mode cannot add an unnamed one);
  unsupported  athanor's models reader refuses this (the message): skipped.
"""

HEADER = """\
import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

"""

USER = """\
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
"""

POST = """\
class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
"""


def user(*extra, args=None):
    """The User model with extra column lines (and __table_args__)."""
    text = USER
    if args:
        text = text.replace("class User(db.Model):\n",
                            "class User(db.Model):\n    __table_args__ = %s\n" % args)
    for line in extra:
        text += "    " + line + "\n"
    return text


SCENARIOS = [
    # ---- the same script as Flask-Migrate's ----
    dict(name="create_table", v1=user(), v2=user() + "\n\n" + POST,
         notes={}),
    dict(name="drop_table", v1=user() + "\n\n" + POST, v2=user(),
         notes={"*": "destructive: table post is dropped with its data"}),
    dict(name="add_column_nullable", v1=user(), v2=user("email = db.Column(db.String(120))")),
    dict(name="add_column_not_null_default", v1=user(),
         v2=user("score = db.Column(db.Integer, nullable=False, server_default='0')")),
    dict(name="drop_column", v1=user("email = db.Column(db.String(120))"), v2=user(),
         notes={"*": "destructive: column user.email is dropped with its data"}),
    dict(name="nullable_change", v1=user("email = db.Column(db.String(120))"),
         v2=user("email = db.Column(db.String(120), nullable=False)")),
    dict(name="type_string_length", v1=user("email = db.Column(db.String(50))"),
         v2=user("email = db.Column(db.String(120))")),
    dict(name="type_integer_bigint", v1=user("hits = db.Column(db.Integer)"),
         v2=user("hits = db.Column(db.BigInteger)")),
    dict(name="type_string_text", v1=user("bio = db.Column(db.String(200))"),
         v2=user("bio = db.Column(db.Text)")),
    dict(name="add_index", v1=user("email = db.Column(db.String(120))"),
         v2=user("email = db.Column(db.String(120), index=True)")),
    dict(name="drop_index", v1=user("email = db.Column(db.String(120), index=True)"),
         v2=user("email = db.Column(db.String(120))")),
    dict(name="unique_index", v1=user("email = db.Column(db.String(120))"),
         v2=user("email = db.Column(db.String(120), index=True, unique=True)")),
    dict(name="add_unique_constraint", v1=user("email = db.Column(db.String(120))"),
         v2=user("email = db.Column(db.String(120))",
                 args="(db.UniqueConstraint('email', name='uq_user_email'),)")),
    dict(name="drop_unique_constraint",
         v1=user("email = db.Column(db.String(120))",
                 args="(db.UniqueConstraint('email', name='uq_user_email'),)"),
         v2=user("email = db.Column(db.String(120))")),
    dict(name="add_foreign_key",
         v1=user() + "\n\n" + POST + "    user_id = db.Column(db.Integer)\n",
         v2=user() + "\n\n" + POST +
         "    user_id = db.Column(db.Integer, db.ForeignKey('user.id', name='fk_post_user'))\n"),
    dict(name="drop_foreign_key",
         v1=user() + "\n\n" + POST +
         "    user_id = db.Column(db.Integer, db.ForeignKey('user.id', name='fk_post_user'))\n",
         v2=user() + "\n\n" + POST + "    user_id = db.Column(db.Integer)\n"),
    dict(name="check_constraint_table", v1=user(),
         v2=user() + "\n\n" + POST.replace(
             "class Post(db.Model):\n",
             "class Post(db.Model):\n"
             "    __table_args__ = (db.CheckConstraint('votes >= 0', name='ck_post_votes'),)\n")
         + "    votes = db.Column(db.Integer)\n"),
    # Alembic 1.8 writes batch_op.create_table_comment('user', 'the people',
    # existing_comment=None, schema=None), which its own batch_op refuses:
    # Athanor's call is checked against expected/.
    dict(name="comments",
         v1=user("email = db.Column(db.String(120))"),
         v2=user("email = db.Column(db.String(120), comment='where mail goes')",
                 args="{'comment': 'the people'}"),
         no_change=("sqlite",), golden=("postgresql",)),
    # use_alter=True closing a cycle: Alembic writes the key inline with
    # use_alter=True, and its create_table then leaves it out on PostgreSQL
    # and never adds it (the key is lost); Athanor adds it after both tables.
    dict(name="fk_cycle", v1=user(), golden=("sqlite", "postgresql"),
         v2=user() + """

class Left(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    right_id = db.Column(db.Integer, db.ForeignKey('right.id', name='fk_left_right',
                                                  use_alter=True))


class Right(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    left_id = db.Column(db.Integer, db.ForeignKey('left.id', name='fk_right_left'))
"""),
    # A cycle of foreign keys between new tables: Alembic writes both inline,
    # which PostgreSQL refuses (the other table is not there yet); Athanor adds
    # the one that closes the cycle after both tables.
    dict(name="fk_cycle_plain", v1=user(),
         v2=user() + """

class Left(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    right_id = db.Column(db.Integer, db.ForeignKey('right.id', name='fk_left_right'))


class Right(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    left_id = db.Column(db.Integer, db.ForeignKey('left.id', name='fk_right_left'))
""", golden=("sqlite", "postgresql")),
    dict(name="server_default_change", kwargs={"compare_server_default": True},
         v1=user("score = db.Column(db.Integer, nullable=False, server_default='0')"),
         v2=user("score = db.Column(db.Integer, nullable=False, server_default='1')")),
    dict(name="rename_noted", v1=user(), v2=USER.replace("name = ", "full_name = "),
         notes={"*": "user.name"}),

    # ---- where Athanor does better: its script is checked against expected/ ----
    dict(name="enum_column_added", v1=user(),
         v2=user("kind = db.Column(db.Enum('staff', 'guest', name='user_kind'))"),
         golden=("sqlite", "postgresql"), cross=True),
    dict(name="enum_table_created", v1=user(),
         v2=user() + """

class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    state = db.Column(db.Enum('open', 'closed', name='ticket_state'), nullable=False)
""", golden=("sqlite", "postgresql"), cross=True),
    dict(name="enum_value_added",
         v1=user("kind = db.Column(db.Enum('staff', 'guest', name='user_kind'))"),
         v2=user("kind = db.Column(db.Enum('staff', 'guest', 'admin', name='user_kind'))"),
         golden=("postgresql",), no_change=("sqlite",), downgrade_keeps_v2=("postgresql",),
         after=("SELECT 'admin'::user_kind::text", [("admin",)])),
    dict(name="rename_column", v1=user(), v2=USER.replace("name = ", "full_name = "),
         rename=["user.name=full_name"], golden=("sqlite", "postgresql"),
         before="INSERT INTO \"user\" (id, name) VALUES (7, 'ann')",
         after=("SELECT id, full_name FROM \"user\"", [(7, "ann")])),
    dict(name="rename_table", v1=user(), v2=USER.replace("class User(", "class Member("),
         rename=["user=member"], golden=("sqlite", "postgresql"), ignore_pk_name=("postgresql",),
         before="INSERT INTO \"user\" (id, name) VALUES (7, 'ann')",
         after=("SELECT id, name FROM member", [(7, "ann")])),
    # SQLite keeps no name for these: Flask-Migrate writes drop_constraint(None),
    # which Alembic cannot run; Athanor names them by batch_alter_table's
    # naming_convention, as Alembic's documentation does; the downgrade adds
    # them back under that name.
    dict(name="anonymous_unique_dropped", v1=user("email = db.Column(db.String(120), unique=True)"),
         v2=user("email = db.Column(db.String(120))"), golden=("postgresql", "sqlite"),
         downgrade_named=("sqlite",)),
    dict(name="anonymous_fk_dropped", dialects=("sqlite",),
         v1=user() + "\n\n" + POST + "    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))\n",
         v2=user() + "\n\n" + POST + "    user_id = db.Column(db.Integer)\n",
         golden=("sqlite",), downgrade_named=("sqlite",)),
]
