#!/bin/sh
# Records the seccomp profile of the image's test run and fails (exit 1) when it allows
# more than the approved one.
# Usage: check-profile.sh IMAGE APPROVED OUTPUT [--approve]
#   --approve: make the recorded profile the approved one (review the diff first).
set -eu
image=$1 approved=$2 output=$3
# The recorder writes where the daemon runs: an absolute path.
out=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
rm -f "$out"
docker run --rm --network none --runtime scc-trace -e "SCC_TRACE_SYSCALL=of:$out" \
    "$image" /app/test.sh
if [ "${4:-}" = --approve ]; then
    cp "$out" "$approved"
    echo "approved: $approved"
    exit 0
fi
status=0
scc diff --subset-of "$approved" "$out" || status=$?
case $status in
0) echo "$output allows no more than $approved" ;;
1)
    echo "$output allows more than $approved (above); if that is intended, approve it:" >&2
    echo "  $0 $image $approved $output --approve" >&2
    exit 1
    ;;
*) exit "$status" ;;
esac
