#!/bin/sh
# The application's test: the run the CI job records.
set -eu
out=$(echo "one two three" | /app/app.sh)
[ "$out" = "words: 3" ] || { echo "unexpected output: $out" >&2; exit 1; }
echo "test passed"
