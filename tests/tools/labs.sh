# labs.sh - sourced by shell tests after lib.sh: builds the small labs (findings/*, bad/*,
# labs/minimal) into the trash from their one description, tests/fixtures/labs/genfixtures.py, as
# git's t/ builds its repositories in each test; nothing of them is committed, so they cannot drift.
# LABS names the directory: $LABS/findings/KIND, $LABS/bad/NAME, $LABS/labs/minimal.
LABS=$TRASH/.labs
export LABS
if ! python3 "$SRC/tests/fixtures/labs/genfixtures.py" "$LABS" >"$TRASH/.labs.log" 2>&1; then
	echo "not ok 1 - generate the fixture labs (tests/fixtures/labs/genfixtures.py)"
	sed 's/^/#   /' "$TRASH/.labs.log"
	exit 1
fi
