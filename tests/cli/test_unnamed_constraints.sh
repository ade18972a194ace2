# SQLite keeps no name for a unique constraint or foreign key created
# without one. athanor migrate drops them the way Alembic documents for batch
# mode (batch_alter_table(naming_convention={...}) and drop_constraint by the
# conventional name), never drop_constraint(None); athanor upgrade and
# downgrade run that script: the constraints go, other unnamed ones get their
# conventional names in the rebuilt table (as Alembic's rebuild names them),
# and the downgrade re-creates the dropped ones under those names.
. "$(dirname "$0")/lib.sh"

P=$SCRATCH/proj
mkdir -p "$P"
cd "$P" || exit 1
unset DATABASE_URL SQLALCHEMY_DATABASE_URI
URL=sqlite:///$P/app.db

table_sql() { sqlite3 app.db "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '$1'"; }

run init
expect_status 0 "init"
sqlite3 app.db "CREATE TABLE user (id INTEGER NOT NULL, email VARCHAR(120), name VARCHAR(50),
    PRIMARY KEY (id), UNIQUE (email), UNIQUE (name));
  CREATE TABLE post (id INTEGER NOT NULL, user_id INTEGER, PRIMARY KEY (id),
    FOREIGN KEY(user_id) REFERENCES user (id));
  INSERT INTO user VALUES (1, 'a@x', 'ann'); INSERT INTO post VALUES (7, 1);"
cat >models.py <<'PY'
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120))
    name = db.Column(db.String(50), unique=True)
class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer)
PY

run migrate -m "drop unnamed" --url "$URL" --rev-id aaaa00000001
expect_status 0 "migrate"
expect_err_lacks "not dropped" "migrate"
s=migrations/versions/aaaa00000001_drop_unnamed.py
uq_nc='naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}'
fk_nc='naming_convention={"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}'
grep -qF "with op.batch_alter_table('user', schema=None, $uq_nc) as batch_op:" "$s" &&
    pass || fail "migrate: no user block with the uq convention: $(cat "$s")"
grep -qF "with op.batch_alter_table('post', schema=None, $fk_nc) as batch_op:" "$s" &&
    pass || fail "migrate: no post block with the fk convention: $(cat "$s")"
grep -qF "batch_op.drop_constraint('uq_user_email', type_='unique')" "$s" &&
    pass || fail "migrate: no drop of uq_user_email: $(cat "$s")"
grep -qF "batch_op.drop_constraint('fk_post_user_id_user', type_='foreignkey')" "$s" &&
    pass || fail "migrate: no drop of fk_post_user_id_user: $(cat "$s")"
grep -q "drop_constraint(None" "$s" && fail "migrate: drop_constraint(None) written" || pass
grep -qF "batch_op.create_unique_constraint('uq_user_email', ['email'])" "$s" &&
    pass || fail "migrate: the downgrade does not re-create uq_user_email: $(cat "$s")"

run upgrade --url "$URL"
expect_status 0 "upgrade"
u=$(table_sql user)
p=$(table_sql post)
case $u in *"UNIQUE (email)"*) fail "upgrade: user keeps UNIQUE (email): $u" ;; *) pass ;; esac
case $u in *"CONSTRAINT uq_user_name UNIQUE (name)"*) pass ;;
*) fail "upgrade: the rebuild does not name the other unique as Alembic does: $u" ;; esac
case $p in *REFERENCES*) fail "upgrade: post keeps its foreign key: $p" ;; *) pass ;; esac
[ "$(sqlite3 app.db "SELECT count(*) FROM user JOIN post ON post.user_id = user.id")" = 1 ] &&
    pass || fail "upgrade: rows lost"
# now the duplicate the constraint refused goes in
sqlite3 app.db "INSERT INTO user VALUES (2, 'a@x', 'bob')" && pass || fail "upgrade: email still unique"
sqlite3 app.db "DELETE FROM user WHERE id = 2"

run migrate -m check --url "$URL"
expect_status 0 "migrate after the upgrade"
expect_err_contains "No changes in schema detected." "migrate after the upgrade"
rm -f migrations/versions/*_check.py

run downgrade base --url "$URL"
expect_status 0 "downgrade"
u=$(table_sql user)
p=$(table_sql post)
case $u in *"CONSTRAINT uq_user_email UNIQUE (email)"*) pass ;;
*) fail "downgrade: uq_user_email not back: $u" ;; esac
case $p in *"CONSTRAINT fk_post_user_id_user FOREIGN KEY(user_id) REFERENCES user (id)"*) pass ;;
*) fail "downgrade: fk_post_user_id_user not back: $p" ;; esac

# A name no unnamed constraint gets under the block's convention: refused.
sed -i "s/drop_constraint('uq_user_email'/drop_constraint('uq_user_mail'/" "$s"
sqlite3 app.db "DROP TABLE user; CREATE TABLE user (id INTEGER NOT NULL, email VARCHAR(120),
    name VARCHAR(50), PRIMARY KEY (id), UNIQUE (email))"
run upgrade --url "$URL"
expect_status 1 "upgrade with a name the convention does not give"
expect_err_contains "drop_constraint uq_user_mail on user: constraint does not exist" \
    "upgrade with a name the convention does not give"
case $(table_sql user) in *"UNIQUE (email)"*) pass ;; *) fail "refused upgrade changed user" ;; esac

finish
