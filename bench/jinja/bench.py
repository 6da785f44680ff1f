#!/usr/bin/env python3
"""Median render time of the benchmark template with Python jinja2 (for comparison)."""
import json
import os
import statistics
import time

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, "template.j2")) as fh:
    source = fh.read()
with open(os.path.join(HERE, "data.json")) as fh:
    data = json.load(fh)
template = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(source)
wall = []
cpu = []
for _ in range(20):
    start = time.perf_counter()
    cpu_start = time.thread_time()
    template.render(**data)
    cpu.append((time.thread_time() - cpu_start) * 1000)
    wall.append((time.perf_counter() - start) * 1000)
print("python jinja2 %s: median %.2f ms wall, %.2f ms CPU over 20 renders"
      % (jinja2.__version__, statistics.median(wall), statistics.median(cpu)))
