#!/usr/bin/env bash
# Runs ansible-core's own integration targets (from its PyPI sdist, fetched and cached at test time,
# never committed) with swiftplay standing in for ansible-playbook / ansible / ansible-inventory.
#
# Usage: Tests/ansible-targets/run.sh [--impl swiftplay|ansible] [TARGET ...]
#   --impl ansible   runs the same harness with ansible-core itself (the reference; should pass 25/25)
# Role-style targets run as the play {hosts: testhost, gather_facts: true, roles: [TARGET]} against a
# Debian test host over SSH; script-style targets run their runme.sh as written. The environment is the
# one ansible-test gives a target (OUTPUT_DIR, INVENTORY_PATH, ANSIBLE_FORCE_HANDLERS=true, ...).
# Prints one line per target and a closing "targets: P passed, F failed"; exit 1 when any failed.
# Logs: $SWIFTPLAY_CACHE/ansible-targets-NAME/logs/TARGET.log
# Environment: SWIFTPLAY_BIN=path uses that swiftplay binary (e.g. a debug build) instead of building
# release; SWIFTPLAY_TARGETS_NAME (default "at") and SWIFTPLAY_TARGETS_PORT (default 2651) keep
# concurrent runs apart (test host name, port and state folder).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
version=2.18.19
impl=swiftplay
if [ "${1:-}" = --impl ]; then impl=$2; shift 2; fi
case $impl in swiftplay|ansible) ;; *) echo "run.sh: --impl is swiftplay or ansible, got '$impl'" >&2; exit 2;; esac

ROLE_TARGETS="file copy lineinfile blockinfile replace stat loops changed_when failed_when ignore_errors"
SCRIPT_TARGETS="tags blocks handlers loop_control assert register check_mode conditionals any_errors_fatal
strategy_linear inventory_ini inventory_yaml set_fact var_precedence include_import"
targets=${*:-$ROLE_TARGETS $SCRIPT_TARGETS}

# ansible-core's sdist, downloaded once.
sdist_dir=$cache/ansible-sdist
sdist=$sdist_dir/ansible_core-$version.tar.gz
if [ ! -f "$sdist" ]; then
    mkdir -p "$sdist_dir"
    python3 -m pip download -q --no-deps --no-binary :all: "ansible-core==$version" -d "$sdist_dir" \
        || { echo "run.sh: could not download ansible-core $version sdist" >&2; exit 1; }
fi

# Python for the targets' helper scripts (PyYAML and jinja2), and ansible-core for --impl ansible.
venv=$("$root/Tests/ansible-venv.sh") || exit 1

# The controller needs en_US.UTF-8 (the tags target exports LC_ALL=en_US.UTF-8).
if ! locale -a 2>/dev/null | grep -qi '^en_US.utf8$'; then
    command -v locale-gen >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales >/dev/null; }
    grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null || echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen
    locale-gen >/dev/null
fi

sp=${SWIFTPLAY_BIN:-$root/.build/release/swiftplay}
if [ "$impl" = swiftplay ] && [ -z "${SWIFTPLAY_BIN:-}" ]; then
    (cd "$root" && swift build -c release --product swiftplay >/dev/null) || { echo "run.sh: build failed" >&2; exit 1; }
fi

# One Debian test host over SSH.
name=${SWIFTPLAY_TARGETS_NAME:-at}
export SWIFTPLAY_HOSTS_BASE_PORT=${SWIFTPLAY_TARGETS_PORT:-2651} SWIFTPLAY_HOSTS_DIR=$cache/targets-hosts-$name
# A fresh host each run: targets leave files behind that a second run would trip over.
/usr/bin/docker rm -f "${name}-h1" >/dev/null 2>&1 || true
"$root/Tests/hosts/start.sh" 1 "$name-h" >/dev/null || { echo "run.sh: test host did not start" >&2; exit 1; }
port=$SWIFTPLAY_HOSTS_BASE_PORT
key=$cache/testhost-keys/id_ed25519

state=$cache/ansible-targets-$name
rm -rf "$state/src" "$state/output" "$state/bin"
mkdir -p "$state/src" "$state/output" "$state/logs" "$state/bin"
tar -C "$state/src" -xzf "$sdist"
integration=$state/src/ansible_core-$version/test/integration
cat > "$integration/inventory" <<INV
[testgroup]
testhost ansible_host=127.0.0.1 ansible_port=$port ansible_user=root ansible_ssh_private_key_file=$key ansible_python_interpreter=/usr/bin/python3
INV
: > "$integration/integration.cfg"

# ansible-playbook, ansible and ansible-inventory on PATH, plus python with PyYAML and jinja2.
bin=$state/bin
if [ "$impl" = swiftplay ]; then
    printf '#!/bin/sh\nexec %s "$@"\n' "$sp" > "$bin/ansible-playbook"
    printf '#!/bin/sh\nexec %s adhoc "$@"\n' "$sp" > "$bin/ansible"
    printf '#!/bin/sh\nexec %s inventory "$@"\n' "$sp" > "$bin/ansible-inventory"
else
    for c in ansible-playbook ansible ansible-inventory; do ln -s "$venv/bin/$c" "$bin/$c"; done
fi
chmod +x "$bin"/ansible*
ln -s "$venv/bin/python3" "$bin/python"
ln -s "$venv/bin/python3" "$bin/python3"

passed=0 failed=0 failed_names=""
for t in $targets; do
    dir=$integration/targets/$t
    [ -d "$dir" ] || { echo "run.sh: no target '$t'" >&2; exit 2; }
    out=$state/output/$t
    mkdir -p "$out"
    log=$state/logs/$t.log
    start=$(date +%s)
    env_vars=(PATH="$bin:$PATH" OUTPUT_DIR="$out" INVENTORY_PATH="$integration/inventory"
        ANSIBLE_CONFIG="$integration/integration.cfg" ANSIBLE_FORCE_COLOR=false ANSIBLE_FORCE_HANDLERS=true
        ANSIBLE_HOST_PATTERN_MISMATCH=error ANSIBLE_INVENTORY=/dev/null ANSIBLE_DEPRECATION_WARNINGS=false
        ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_LIBRARY=/dev/null
        ANSIBLE_DEVEL_WARNING=false PAGER=/bin/cat)
    if [ -x "$dir/runme.sh" ]; then
        (cd "$dir" && env "${env_vars[@]}" ANSIBLE_PLAYBOOK_DIR="$dir" timeout 900 ./runme.sh -v) > "$log" 2>&1
        rc=$?
    else
        play=$integration/$t-play.yml
        printf -- '- hosts: testhost\n  gather_facts: true\n  vars:\n    output_dir: %s\n  roles:\n    - %s\n' "$out" "$t" > "$play"
        (cd "$integration" && env "${env_vars[@]}" ANSIBLE_ROLES_PATH="$integration/targets" \
            timeout 900 ansible-playbook "$play" -i inventory -v) > "$log" 2>&1
        rc=$?
    fi
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1)); echo "PASS $t (${secs}s)"
    else
        failed=$((failed + 1)); failed_names="$failed_names $t"
        echo "FAIL $t (rc=$rc, ${secs}s, log: $log)"
        tail -n 15 "$log" | sed 's/^/    /'
    fi
done
echo "targets ($impl, ansible-core $version): $passed passed, $failed failed${failed_names:+ ($failed_names )}"
[ $failed -eq 0 ]
