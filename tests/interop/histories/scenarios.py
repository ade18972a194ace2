"""The histories tests/interop/test_histories.sh makes real Flask-Migrate write.

Each scenario is a recipe run by run.py against an empty generator database:
  ("migrate", MESSAGE, MODELS, EDITS)  the generator database is upgraded to
      its heads, the models MODELS(db) define become the app's metadata, and
      flask_migrate.migrate() (what `flask db migrate` runs) writes a
      revision; EDITS then go into it the way a user hand-edits one;
  ("revision", MESSAGE, HEAD, BRANCH_LABEL, EDITS)  an empty revision, as
      `flask db revision --head HEAD [--branch-label L]` writes it, then EDITS;
  ("merge", MESSAGE)  `flask db merge heads`.
An edit is (FUNCTION, WHERE, CODE): CODE is put at the "start" or "end" of
upgrade() or downgrade(); CODE may be a function of the dialect name.
`steps` are the targets both tools are stepped through, the same ones for
Alembic and for Athanor; "{MESSAGE}" stands for the revision id of the
revision that has that message.
"""
import sqlalchemy as sa


# ---- linear: tables, indexes, FKs, batch alterations, data, renames ----

def linear_v1(db):
    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(64), nullable=False, index=True, unique=True)
        email = db.Column(db.String(120))


def linear_v2(db):
    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(64), nullable=False, index=True, unique=True)
        email = db.Column(db.String(120))
        active = db.Column(db.Boolean, nullable=False, server_default=sa.text("'1'"))

    class Post(db.Model):
        # Two checks: Alembic's batch rebuild on SQLite keeps the named one
        # and loses the unnamed one (it cannot tell it from a type's).
        __table_args__ = (db.CheckConstraint('length(body) > 0'),
                          db.CheckConstraint('id > 0', name='ck_post_id'))
        id = db.Column(db.Integer, primary_key=True)
        body = db.Column(db.String(140))
        timestamp = db.Column(db.DateTime, index=True)
        user_id = db.Column(db.Integer, db.ForeignKey('user.id'))


def linear_v3(db):
    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(64), nullable=False, index=True, unique=True)
        email = db.Column(db.String(200), nullable=False)
        active = db.Column(db.Boolean, nullable=False, server_default=sa.text("'1'"))

    class Post(db.Model):
        __table_args__ = (db.UniqueConstraint('user_id', 'body', name='uq_post_user_body'),)
        id = db.Column(db.Integer, primary_key=True)
        body = db.Column(db.String(140))
        user_id = db.Column(db.Integer, db.ForeignKey('user.id', name='fk_post_user'))
        score = db.Column(db.Integer, nullable=False, server_default='0')


def linear_v5(db):
    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        login = db.Column(db.String(64), nullable=False, index=True, unique=True)
        email = db.Column(db.String(200), nullable=False)
        active = db.Column(db.Boolean, nullable=False, server_default=sa.text("'1'"))

    class Article(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        body = db.Column(db.String(140))
        user_id = db.Column(db.Integer, db.ForeignKey('user.id', name='fk_post_user'))
        score = db.Column(db.Integer, nullable=False, server_default='0')
        title = db.Column(db.String(80), nullable=False, server_default='untitled',
                          comment='shown in lists')
        __table_args__ = (db.UniqueConstraint('user_id', 'body', name='uq_post_user_body'),
                          db.Index('ix_article_title_score', 'title', 'score'))


LINEAR_USERS = """
user = sa.table('user', sa.column('id', sa.Integer), sa.column('username', sa.String),
                sa.column('email', sa.String))
op.bulk_insert(user, [
    {'id': 1, 'username': 'ann', 'email': 'ann@example.com'},
    {'id': 2, 'username': "bob o'neil", 'email': None},
    {'id': 3, 'username': 'cy', 'email': None},
])
"""

LINEAR_POSTS = """
op.execute('UPDATE "user" SET email = username || \\'@example.org\\' WHERE email IS NULL')
op.execute("INSERT INTO post (id, body, user_id) VALUES (1, 'hello', 1), (2, 'again', 1), (3, 'hi', 2)")
users = sa.table('user', sa.column('id', sa.Integer), sa.column('username', sa.String),
                 sa.column('email', sa.String), sa.column('active', sa.Boolean))
op.bulk_insert(users, [{'id': 4, 'username': 'dee', 'email': 'dee@example.net', 'active': False},
                       {'id': 5, 'username': 'eve', 'email': 'eve@example.net', 'active': True}])
"""

LINEAR_CHECK_UP = """
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.create_check_constraint('ck_user_email', "email <> ''")
op.execute("UPDATE post SET score = id * 10")
"""

LINEAR_CHECK_DOWN = """
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.drop_constraint('ck_user_email', type_='check')
"""

LINEAR_RENAME_UP = """
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.alter_column('username', new_column_name='login', existing_type=sa.String(length=64),
                          existing_nullable=False)
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.drop_index('ix_user_username')
    batch_op.create_index(batch_op.f('ix_user_login'), ['login'], unique=True)
op.rename_table('post', 'article')
"""

LINEAR_RENAME_DOWN = """
op.rename_table('article', 'post')
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.drop_index(batch_op.f('ix_user_login'))
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.alter_column('login', new_column_name='username', existing_type=sa.String(length=64),
                          existing_nullable=False)
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.create_index('ix_user_username', ['username'], unique=True)
"""

LINEAR = {
    "recipe": [
        ("migrate", "users", linear_v1, [("upgrade", "end", LINEAR_USERS)]),
        ("migrate", "posts", linear_v2, [("upgrade", "end", LINEAR_POSTS)]),
        ("migrate", "tighten", linear_v3, [("upgrade", "end", LINEAR_CHECK_UP),
                                           ("downgrade", "start", LINEAR_CHECK_DOWN)]),
        ("revision", "renames", None, None, [("upgrade", "start", LINEAR_RENAME_UP),
                                              ("downgrade", "start", LINEAR_RENAME_DOWN)]),
        ("migrate", "titles", linear_v5, [
            ("upgrade", "end", "op.execute(\"UPDATE article SET title = 'post ' || id\")")]),
    ],
    "steps": [("upgrade", "{users}"), ("upgrade", "{posts}"), ("upgrade", "+1"),
              ("upgrade", "{renames}"), ("upgrade", "head"),
              ("downgrade", "-1"), ("downgrade", "{tighten}"), ("downgrade", "-1"),
              ("downgrade", "-1"), ("downgrade", "base"),
              # Several revisions in one run.
              ("upgrade", "head"), ("downgrade", "{posts}"), ("upgrade", "+2"),
              ("downgrade", "base")],
}


# ---- branches: a labelled branch off the first revision, merged back ----

def branch_v1(db):
    class Account(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(50), nullable=False)

    class Item(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        account_id = db.Column(db.Integer, db.ForeignKey('account.id'), nullable=False)
        title = db.Column(db.String(100))


def branch_v2(db):
    class Account(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(50), nullable=False)

    class Item(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        account_id = db.Column(db.Integer, db.ForeignKey('account.id'), nullable=False)
        title = db.Column(db.String(100))
        price = db.Column(db.Numeric(10, 2), nullable=False, server_default='0')


def branch_v6(db):
    class Account(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(50), nullable=False)
        created = db.Column(db.String(20), server_default=sa.text("'new'"))

    class Item(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        account_id = db.Column(db.Integer, db.ForeignKey('account.id'), nullable=False)
        title = db.Column(db.String(100))
        price = db.Column(db.Numeric(10, 2), nullable=False, server_default='0')

    class Tag(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        label = db.Column(db.String(30), nullable=False)
        item_id = db.Column(db.Integer, db.ForeignKey('item.id', ondelete='CASCADE'))
        __table_args__ = (db.Index('ix_tag_label', 'label'),)


BRANCH_ACCOUNTS = """
op.execute("INSERT INTO account (id, name) VALUES (1, 'acme'), (2, 'globex')")
op.execute("INSERT INTO item (id, account_id, title) VALUES (1, 1, 'anvil'), (2, 2, NULL)")
"""

BRANCH_TAG_UP = """
op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
)
tag = sa.table('tag', sa.column('id', sa.Integer), sa.column('label', sa.String),
               sa.column('item_id', sa.Integer))
op.bulk_insert(tag, [{'id': 1, 'label': 'heavy', 'item_id': 1},
                     {'id': 2, 'label': 'loose', 'item_id': None}])
"""

BRANCH_INDEX_UP = """
with op.batch_alter_table('tag', schema=None) as batch_op:
    batch_op.create_index('ix_tag_label', ['label'], unique=False)
op.execute("UPDATE tag SET label = upper(label)")
"""

BRANCH_INDEX_DOWN = """
with op.batch_alter_table('tag', schema=None) as batch_op:
    batch_op.drop_index('ix_tag_label')
"""

BRANCHES = {
    "recipe": [
        ("migrate", "accounts", branch_v1, [("upgrade", "end", BRANCH_ACCOUNTS)]),
        ("migrate", "prices", branch_v2, [("upgrade", "end", "op.execute('UPDATE item SET price = 9.5 WHERE id = 1')")]),
        ("revision", "tags", "{accounts}", "feature", [("upgrade", "start", BRANCH_TAG_UP),
                                                      ("downgrade", "start", "op.drop_table('tag')")]),
        ("revision", "tag index", "feature@head", None, [("upgrade", "start", BRANCH_INDEX_UP),
                                                        ("downgrade", "start", BRANCH_INDEX_DOWN)]),
        ("merge", "merge"),
        ("migrate", "created", branch_v6, []),
    ],
    "steps": [("upgrade", "{accounts}"), ("upgrade", "{prices}"), ("upgrade", "feature@head"),
              ("upgrade", "heads"), ("upgrade", "head"),
              ("downgrade", "-1"), ("downgrade", "{tag index}"), ("downgrade", "{tags}"),
              ("downgrade", "{accounts}"), ("downgrade", "base"),
              # The other way round: the branch first, then the main line.
              ("upgrade", "{tags}"), ("upgrade", "{prices}"), ("upgrade", "heads"),
              ("downgrade", "{prices}"), ("upgrade", "head"), ("downgrade", "base")],
}


# ---- enums: an enum column in a new table, one added later, a value added ----

def enum_v1(db):
    class Task(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(60), nullable=False)
        status = db.Column(db.Enum('todo', 'done', name='task_status'), nullable=False,
                           server_default='todo')


def enum_v2(db):
    class Task(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(60), nullable=False)
        status = db.Column(db.Enum('todo', 'done', name='task_status'), nullable=False,
                           server_default='todo')
        priority = db.Column(db.Enum('low', 'high', name='task_priority'))


def enum_v3(db):
    class Task(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(60), nullable=False)
        status = db.Column(db.Enum('todo', 'done', 'archived', name='task_status'), nullable=False,
                           server_default='todo')
        priority = db.Column(db.Enum('low', 'high', name='task_priority'))


ENUM_TASKS = """
task = sa.table('task', sa.column('id', sa.Integer), sa.column('title', sa.String),
                sa.column('status', sa.String))
op.bulk_insert(task, [{'id': 1, 'title': 'write', 'status': 'todo'},
                      {'id': 2, 'title': 'test', 'status': 'done'}])
op.execute("INSERT INTO task (id, title) VALUES (3, 'ship')")
"""


def enum_v3_up(dialect):
    if dialect == "postgresql":
        return ("op.execute(\"ALTER TYPE task_status ADD VALUE 'archived'\")\n")
    return ""


ENUMS = {
    "recipe": [
        ("migrate", "tasks", enum_v1, [
            ("upgrade", "end", ENUM_TASKS),
            ("downgrade", "end", "sa.Enum('todo', 'done', name='task_status').drop(op.get_bind(), checkfirst=True)")]),
        ("migrate", "priorities", enum_v2, [
            ("upgrade", "start", "sa.Enum('low', 'high', name='task_priority').create(op.get_bind(), checkfirst=True)"),
            ("upgrade", "end", "op.execute(\"UPDATE task SET priority = 'high' WHERE id = 2\")"),
            ("downgrade", "end", "sa.Enum('low', 'high', name='task_priority').drop(op.get_bind(), checkfirst=True)")]),
        ("migrate", "archived", enum_v3, [("upgrade", "start", enum_v3_up)]),
    ],
    "steps": [("upgrade", "+1"), ("upgrade", "+1"), ("upgrade", "+1"),
              ("downgrade", "-1"), ("downgrade", "-1"), ("downgrade", "-1"),
              ("upgrade", "{priorities}"), ("upgrade", "head"), ("downgrade", "base"),
              ("upgrade", "head")],
}

SCENARIOS = {"linear": LINEAR, "branches": BRANCHES, "enums": ENUMS}
