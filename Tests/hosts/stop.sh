#!/usr/bin/env bash
# Usage: stop.sh [PREFIX | --all]
# Removes the test hosts PREFIX1, PREFIX2... started by start.sh (default prefix sp-h). Other prefixes
# (other users of the same engine) are left alone unless --all is given.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
"$DOCKER" info >/dev/null 2>&1 || { echo "stop.sh: no Docker engine running, nothing to stop" >&2; exit 0; }
filter=(--filter "label=$LABEL")
if [ "${1:-}" != --all ]; then
    filter+=(--filter "name=^${1:-sp-h}[0-9]+\$")
fi
ids=$("$DOCKER" ps -aq "${filter[@]}")
if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    "$DOCKER" rm -f $ids >/dev/null
    echo "stop.sh: removed $(echo "$ids" | wc -l) host(s)" >&2
else
    echo "stop.sh: no matching test hosts" >&2
fi
