#!/usr/bin/env bash
# Usage: stop.sh [PREFIX]  — removes the test hosts started by start.sh (all of them without PREFIX).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
"$DOCKER" info >/dev/null 2>&1 || { echo "stop.sh: no Docker engine running, nothing to stop" >&2; exit 0; }
ids=$("$DOCKER" ps -aq --filter "label=$LABEL" ${1:+--filter "name=^$1[0-9]+\$"})
if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    "$DOCKER" rm -f $ids >/dev/null
    echo "stop.sh: removed $(echo "$ids" | wc -l) host(s)" >&2
else
    echo "stop.sh: no test hosts running" >&2
fi
