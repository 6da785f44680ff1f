#!/usr/bin/env bash
# Starts the test hosts and runs the transport tests against them (for .ci/run and by hand).
# Usage: Tests/hosts/run-tests.sh [N hosts, default 10]   Leaves the hosts running (stop.sh removes them).
set -euo pipefail
cd "$(dirname "$0")/../.."
inv=$(Tests/hosts/start.sh "${1:-10}" | sed -n 's/^inventory: //p')
SWIFTPLAY_TEST_HOSTS=$inv swift test --filter TransportTests
