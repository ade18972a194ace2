# The identifiers cache (versions/__pycache__/athanor-ids): written once the
# scripts are older than two seconds, used while they stay unchanged, and
# never trusted over a script: an edited script (even one of the same size),
# a new one, a removed one, a damaged cache or a folder where the cache cannot
# be written all give what reading every script gives.
. "$(dirname "$0")/lib.sh"

cd "$SCRATCH" || exit 1
unset DATABASE_URL SQLALCHEMY_DATABASE_URI
V=$SCRATCH/migrations/versions
CACHE=$V/__pycache__/athanor-ids
mkdir -p "$V"
printf '[alembic]\n' >"$SCRATCH/migrations/alembic.ini"

# script ID DOWN [LABELS]: one revision file.
script() {
    cat >"$V/$1_step.py" <<PY
"""step $1

Revision ID: $1
"""
revision = '$1'
down_revision = $2
branch_labels = ${3:-None}
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
PY
}
script aaa None
script bbb "'aaa'"
script ccc "'bbb'" "('lbl',)"

run heads
expect_status 0 "heads on new scripts"
if [ "$(cat "$SCRATCH/out")" = "ccc (lbl) (head)" ]; then pass; else fail "heads: $(cat "$SCRATCH/out")"; fi
# Scripts changed in the last two seconds are not recorded (their timestamps
# cannot yet tell a later change apart).
if [ ! -e "$CACHE" ] || [ "$(sed -n 2p "$CACHE")" = 0 ]; then pass; else
    fail "fresh scripts were recorded: $(sed -n 2p "$CACHE")"; fi

sleep 2.2
run history
expect_status 0 "history"
want_history=$(cat "$SCRATCH/out")
if [ -f "$CACHE" ] && [ "$(sed -n 2p "$CACHE")" = 3 ]; then pass; else
    fail "the cache does not hold the three scripts: $(head -c 300 "$CACHE" 2>&1)"; fi
stamp=$(stat -c %Y.%y "$CACHE")
run history
expect_status 0 "history from the cache"
if [ "$(cat "$SCRATCH/out")" = "$want_history" ]; then pass; else
    fail "history from the cache differs: $(cat "$SCRATCH/out")"; fi
if [ "$(stat -c %Y.%y "$CACHE")" = "$stamp" ]; then pass; else fail "an unchanged folder rewrote the cache"; fi
run history -v
if grep -qx "Branch names: lbl" "$SCRATCH/out" && grep -q "Revision ID: bbb" "$SCRATCH/out"; then
    pass; else fail "history -v from the cache lacks the labels or docstrings: $(cat "$SCRATCH/out")"; fi

# An edit in place (same file, same size, same second): ccc now revises aaa.
sed "s/^down_revision = 'bbb'\$/down_revision = 'aaa'/" "$V/ccc_step.py" >"$SCRATCH/edited"
ino=$(stat -c %i "$V/ccc_step.py")
cat "$SCRATCH/edited" >"$V/ccc_step.py"
if [ "$(stat -c %i "$V/ccc_step.py")" = "$ino" ]; then pass; else fail "the edit made a new file"; fi
run heads
expect_status 0 "heads after an edit"
if [ "$(sort "$SCRATCH/out" | paste -sd' ')" = "bbb (head) ccc (lbl) (head)" ]; then pass; else
    fail "the edited script was not read again: $(cat "$SCRATCH/out")"; fi

# A script that breaks is reported, whatever the cache held.
printf 'revision = (\n' >>"$V/bbb_step.py"
run heads
expect_status 1 "heads with a broken script"
expect_err_contains "bbb_step.py:" "the broken script is named"
script bbb "'aaa'"

# A removed script is gone from the map; a new one appears.
rm "$V/ccc_step.py"
script ddd "'bbb'"
run heads
if [ "$(cat "$SCRATCH/out")" = "ddd (head)" ]; then pass; else fail "heads after remove/add: $(cat "$SCRATCH/out")"; fi

# A damaged cache is set aside (and written again once the scripts are old enough).
sleep 2.2
run heads
printf 'athanor-ids 1 0.1.0\n3\n1 2 3\n' >"$CACHE"
run history
expect_status 0 "history with a damaged cache"
if [ "$(head -n 1 "$SCRATCH/out")" = "bbb -> ddd (head), step ddd" ]; then pass; else
    fail "history with a damaged cache: $(cat "$SCRATCH/out")"; fi
if [ "$(sed -n 2p "$CACHE")" = 3 ] && [ "$(tail -n 1 "$CACHE")" = end ]; then pass; else
    fail "the damaged cache was not replaced: $(head -c 200 "$CACHE")"; fi
# A cache of other scripts' stamps (say, copied from another checkout) is not used.
sed -i 's/^\([0-9]*\) [0-9]* /\1 1 /' "$CACHE"
run heads
if [ "$(cat "$SCRATCH/out")" = "ddd (head)" ]; then pass; else fail "heads with foreign stamps: $(cat "$SCRATCH/out")"; fi

# No place for the cache (a file where its folder would be): no cache, no error.
rm -rf "$V/__pycache__"
: >"$V/__pycache__"
run heads
expect_status 0 "heads without room for a cache"
if [ "$(cat "$SCRATCH/out")" = "ddd (head)" ] && [ ! -s "$SCRATCH/err" ]; then pass; else
    fail "heads without room for a cache: $(cat "$SCRATCH/out" "$SCRATCH/err")"; fi
rm -f "$V/__pycache__"

# Not a revision: still noted on every run, never recorded.
printf 'x = 1\n' >"$V/helpers.py"
sleep 2.2
run heads
run heads
expect_err_contains "helpers.py" "the note on a file that is not a revision, second run"
if ! grep -q "helpers.py" "$CACHE"; then pass; else fail "a file that is not a revision was recorded"; fi

finish
