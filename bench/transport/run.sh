#!/usr/bin/env bash
# Transport latency: connect+auth time and per-command latency on a warm connection, against a local
# test host (started here if needed). Usage: bench/transport/run.sh [N commands, default 1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
inv=${SWIFTPLAY_TEST_HOSTS:-$(Tests/hosts/start.sh 1 | sed -n 's/^inventory: //p')}
# Debug build by default (shared with the tests, incremental); BENCH_CONFIG=release for optimised code
# (builds every target in release once: minutes on 2 cores).
config=${BENCH_CONFIG:-debug}
extra=()
[ "$config" = release ] && extra=(-Xswiftc -enable-testing)
echo "transport bench ($config build, host $(sed -n 's/^\(sp-h1\) .*ansible_port=\([0-9]*\).*/\1 127.0.0.1:\2/p' "$inv"))"
SWIFTPLAY_TEST_HOSTS=$inv SWIFTPLAY_BENCH=1 SWIFTPLAY_BENCH_N=${1:-1000} \
    swift test -c "$config" "${extra[@]}" --filter TransportBench 2>&1 | sed -n 's/^BENCH //p'
