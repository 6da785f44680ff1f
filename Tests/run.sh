#!/usr/bin/env bash
# Runs the whole test suite on a bare machine of this kind: installs what it needs (Debian packages,
# the Docker engine, the test-host image), builds swiftplay, starts test hosts, runs the Swift tests
# (unit and integration) and the end-to-end registry scenarios, and prints one closing line
# "N passed, M failed". Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SWIFTPLAY_CACHE=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
logdir=${SWIFTPLAY_TEST_LOGS:-/tmp/swiftplay-test-logs}
mkdir -p "$logdir"
passed=0 failed=0
stage() {  # stage NAME COMMAND...: runs a stage, records pass/fail, keeps its log
    local name=$1; shift
    local start=$SECONDS
    echo "=== $name"
    if "$@" 2>&1 | tee "$logdir/$name.log"; then
        echo "=== $name: PASS ($((SECONDS - start))s)"
        passed=$((passed + 1))
    else
        echo "=== $name: FAIL ($((SECONDS - start))s; log: $logdir/$name.log)"
        failed=$((failed + 1))
    fi
}

need=()
for pkg in libssh-dev libcrypt-dev docker.io debootstrap skopeo apache2-utils openssh-client curl openssl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || { echo "apt-get install failed"; exit 1; }
fi
python3 -c 'import jinja2' 2>/dev/null || pip install -q jinja2

stage build swift build
if [ "$failed" -gt 0 ]; then echo "0 passed, 1 failed"; exit 1; fi

# Real test hosts (Debian 12, systemd, sshd) in Docker, on 127.0.0.1 only.
hosts_ready=0
export SWIFTPLAY_HOSTS_BASE_PORT=${SWIFTPLAY_CI_HOSTS_PORT:-2601} SWIFTPLAY_HOSTS_DIR=$SWIFTPLAY_CACHE/ci-hosts
if Tests/hosts/engine.sh && Tests/hosts/start.sh 10 ci-h > "$logdir/hosts.txt"; then
    export SWIFTPLAY_TEST_HOSTS=$(sed -n 's/^inventory: //p' "$logdir/hosts.txt")
    hosts_ready=1
else
    echo "test hosts could not be started"
    failed=$((failed + 1))
fi

# ansible-core for the tests that compare with it (ansible-vault, engine-compat, the targets; the
# templating and inventory oracles with the version they were written against).
Tests/ansible-venv.sh > /dev/null || echo "ansible-core could not be installed: the vault oracle tests will be skipped"
if oracle=$(Tests/ansible-venv.sh 2.19.14); then
    export ANSIBLE_ORACLE_PYTHON=$oracle/bin/python ANSIBLE_INVENTORY_BIN=$oracle/bin/ansible-inventory
else
    echo "ansible-core 2.19.14 could not be installed: the templating and inventory oracle tests will be skipped"
fi
stage swift-test swift test
if [ -x Tests/engine-compat/run.sh ]; then stage engine-compat Tests/engine-compat/run.sh; fi
# ansible-core's own integration targets, run with the debug build just made.
if [ -x Tests/ansible-targets/run.sh ]; then
    stage ansible-targets env SWIFTPLAY_BIN="$root/.build/debug/swiftplay" Tests/ansible-targets/run.sh
fi
# The README's main job on this machine itself (local connection, SysV service).
if [ -x Tests/e2e/local.sh ]; then stage e2e-local Tests/e2e/local.sh; fi
unset SWIFTPLAY_HOSTS_BASE_PORT SWIFTPLAY_HOSTS_DIR
if [ "$hosts_ready" = 1 ] && [ -x Tests/e2e/run.sh ] && [ -z "${SWIFTPLAY_SKIP_E2E:-}" ]; then stage e2e Tests/e2e/run.sh; fi

Tests/hosts/stop.sh ci-h >/dev/null 2>&1 || true
echo
echo "stages: $passed passed, $failed failed"
# Closing line counted by CI: every XCTest case and every check of the scripted stages.
tests=$(grep -hE "Executed [0-9]+ tests?," "$logdir/swift-test.log" 2>/dev/null | tail -1)
t_run=$(echo "$tests" | sed -nE 's/.*Executed ([0-9]+) tests?,.*/\1/p')
t_skip=$(echo "$tests" | sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p')
t_fail=$(echo "$tests" | sed -nE 's/.* ([0-9]+) failures?.*/\1/p')
t_run=${t_run:-0}; t_skip=${t_skip:-0}; t_fail=${t_fail:-0}
s_pass=0 s_fail=0
for name in engine-compat ansible-targets e2e-local e2e; do
    line=$(grep -hE "[0-9]+ passed, [0-9]+ failed" "$logdir/$name.log" 2>/dev/null | tail -1)
    p=$(echo "$line" | sed -nE 's/.*([^0-9]|^)([0-9]+) passed.*/\2/p'); f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
    s_pass=$((s_pass + ${p:-0})); s_fail=$((s_fail + ${f:-0}))
done
echo "$((t_run - t_fail - t_skip + s_pass)) passed, $((t_fail + s_fail + failed)) failed, $t_skip skipped"
[ "$failed" -eq 0 ] && [ "$t_fail" -eq 0 ]
