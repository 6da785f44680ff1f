#!/bin/sh
# Renders bench/jinja/template.j2 with this engine (release build) and with Python jinja2.
# Regenerate the inputs with: python3 bench/jinja/make_bench.py
set -e
cd "$(dirname "$0")/../.."
python3 bench/jinja/bench.py
swift test -c release --filter BenchmarkTests.testBenchmarkRender 2>&1 | grep -E "benchmark:|error|failed" || true
