#!/usr/bin/env python3
"""Generates the benchmark inputs: a ~2,000-line template (template.j2), its variables
(data.json) and jinja2's rendering of them (expected.txt), which the Swift benchmark test
checks its own output against."""
import json
import os
import random

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))

SECTION = """\
{#- section N -#}
{% macro entry_N(h, idx) -%}
  [{{ idx }}] {{ h.name|upper }} ({{ h.ip }}) role={{ h.role|default('none')|title }}
{%- endmacro %}
## Section N: {{ title|replace('X', 'N') }}
{% for h in hosts|selectattr('enabled')|sort(attribute='name') %}
{{ entry_N(h, loop.index) }}
  tags: {{ h.tags|sort|join(', ') }}; ports: {{ h.ports|map('string')|join('/') }}
{% if h.ports|length > 2 %}
  many ports ({{ h.ports|sum }} total, max {{ h.ports|max }})
{% elif h.ports %}
  few ports: {{ h.ports|first }}..{{ h.ports|last }}
{% else %}
  no ports
{% endif %}
{% for k, v in h.vars|dictsort %}
  {{ k }} = {{ v|tojson }}{{ ',' if not loop.last }}
{% endfor %}
  ratio {{ '%.2f'|format(h.ports|length / (loop.length or 1)) }} {{ (h.weight * N) // 3 }} {{ h.weight is divisibleby 2 }}
{% endfor %}
{% set ns = namespace(total=0) %}{% for h in hosts %}{% set ns.total = ns.total + h.weight %}{% endfor %}
total weight N: {{ ns.total }}; roles: {{ hosts|map(attribute='role')|unique|sort|join(',') }}
"""


def main():
    rnd = random.Random(42)
    sections = []
    n = 0
    while sum(s.count("\n") for s in sections) < 2000:
        sections.append(SECTION.replace("N", str(n)))
        n += 1
    template = "".join(sections)
    roles = ["web", "db", "cache", "queue"]
    hosts = []
    for i in range(12):
        hosts.append({
            "name": "host%02d" % i,
            "ip": "10.0.%d.%d" % (i // 4, i),
            "role": rnd.choice(roles),
            "enabled": rnd.random() > 0.2,
            "tags": rnd.sample(["a", "b", "c", "d", "e"], 3),
            "ports": rnd.sample([22, 80, 443, 5432, 6379, 8080], rnd.randint(0, 4)),
            "weight": rnd.randint(1, 10),
            "vars": {"k%d" % j: rnd.choice([1, "x", True, None, 2.5, [1, 2]]) for j in range(3)},
        })
    data = {"title": "Inventory X", "hosts": hosts}
    with open(os.path.join(HERE, "template.j2"), "w") as fh:
        fh.write(template)
    with open(os.path.join(HERE, "data.json"), "w") as fh:
        json.dump(data, fh, indent=1)
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    out = env.from_string(template).render(**data)
    with open(os.path.join(HERE, "expected.txt"), "w") as fh:
        fh.write(out)
    print("template: %d lines, output: %d lines" % (template.count("\n"), out.count("\n")))


if __name__ == "__main__":
    main()
