#!/usr/bin/env bash
# A Python virtualenv with ansible-core, the reference the tests compare against; installs it when
# missing (pip) and prints its path. Usage: Tests/ansible-venv.sh [VERSION]
#   2.18.19 (default): engine-compat, the integration targets, the vault oracle tests.
#   2.19.14: the templating and inventory oracle tests (written against its behaviour), with the
#   libraries its filters use (passlib and bcrypt for password_hash, jmespath for json_query).
set -euo pipefail
version=${1:-2.18.19}
cache=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
venv=$cache/ansible-venv
extras=()
if [ "$version" != 2.18.19 ]; then venv=$cache/ansible-venv-$version; extras=(passlib==1.7.4 bcrypt==4.0.1 jmespath==1.1.0); fi
if [ ! -x "$venv/bin/ansible-playbook" ]; then
    { python3 -m venv "$venv" && "$venv/bin/pip" install -q "ansible-core==$version" "${extras[@]}"; } >&2 \
        || { echo "ansible-venv.sh: could not install ansible-core $version into $venv" >&2; exit 1; }
fi
echo "$venv"
