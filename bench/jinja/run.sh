#!/bin/sh
# Renders bench/jinja/template.j2 (2,000 lines, loops, macros, filters) with data.json: Python's jinja2
# first, then this engine (a release build of the Jinja library alone, bench/jinja/Package.swift). Both
# print median wall and CPU time per render; ours also checks its output against jinja2's (expected.txt).
# Regenerate the inputs with: python3 bench/jinja/make_bench.py
set -e
cd "$(dirname "$0")"
python3 bench.py
swift build -c release --package-path . >/dev/null
.build/release/jinja-bench . 50
