#!/usr/bin/env bash
# The Python virtualenv with ansible-core 2.18.19 that the oracle tests, engine-compat and the
# integration targets compare against. Installs it when missing (pip); prints its path.
set -euo pipefail
venv=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}/ansible-venv
if [ ! -x "$venv/bin/ansible-playbook" ]; then
    { python3 -m venv "$venv" && "$venv/bin/pip" install -q "ansible-core==2.18.19"; } >&2 \
        || { echo "ansible-venv.sh: could not install ansible-core into $venv" >&2; exit 1; }
fi
echo "$venv"
