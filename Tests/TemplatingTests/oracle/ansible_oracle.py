#!/usr/bin/env python3
"""Differential oracle: evaluates each case of cases.json with ansible-core's own templar
(its Jinja2 environment plus Ansible's filter and test plugins) and prints the results as JSON.

Usage: ansible_oracle.py cases.json > results.json
Exit code 3 when ansible is not importable (the Swift test then skips).
Each result is {"value": <json>} or {"error": "<message>"}.
"""
import json
import sys

try:
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
except ImportError:
    sys.exit(3)
try:  # ansible-core 2.19+: only trusted strings are templated
    from ansible.template import trust_as_template
except ImportError:
    def trust_as_template(s):
        return s
if False:
    sys.exit(3)


def to_plain(v):
    """Native results as JSON data: tuples become lists, other sequences and mappings too."""
    if isinstance(v, dict):
        return {str(k): to_plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_plain(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if hasattr(v, '__iter__'):
        return [to_plain(x) for x in v]
    return str(v)


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    loader = DataLoader()
    out = []
    for case in cases:
        templar = Templar(loader=loader, variables=case.get('vars', {}))
        try:
            if case.get('engine') == 'jmespath':
                # json_query lives in community.general; it is jmespath.search on plain data.
                import jmespath
                out.append({'value': to_plain(jmespath.search(case['vars']['q'], case['vars']['d']))})
                continue
            value = templar.template(trust_as_template('{{ ' + case['expr'] + ' }}'))
            out.append({'value': to_plain(value)})
        except Exception as e:  # any failure is a result to compare, not a crash
            out.append({'error': '%s: %s' % (type(e).__name__, e)})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
