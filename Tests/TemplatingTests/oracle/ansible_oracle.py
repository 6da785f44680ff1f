#!/usr/bin/env python3
"""Differential oracle: evaluates each case of cases.json with ansible-core's own templar
(its Jinja2 environment plus Ansible's filter and test plugins) and prints the results as JSON.

Usage: ansible_oracle.py cases.json > results.json
Exit code 3 when ansible is not importable (the Swift test then skips).
Each result is {"value": <json>} or {"error": "<message>"}.
"""
import json
import os
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


def run_loops(path):
    """--loops mode: runs each `with_<lookup>` case as a real ansible-playbook task and prints
    the items the loop produced, as JSON ({"items": [...]} or {"error": ...} per case)."""
    import subprocess
    import tempfile
    with open(path) as f:
        cases = json.load(f)
    fixtures = os.path.join(os.path.dirname(os.path.abspath(path)), 'fixtures')
    tasks = []
    for i, case in enumerate(cases):
        tasks.append({'name': 'case', 'debug': {'msg': 'x'}, 'with_' + case['with']: case['value'],
                      'ignore_errors': True, 'register': 'case_%d' % i})
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, 'results.json')
        names = ', '.join('case_%d' % i for i in range(len(cases)))
        tasks.append({'copy': {'content': '{{ [%s] | to_json }}' % names, 'dest': dump}})
        play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
        # The playbook sits in fixtures/ so that file lookups search there, as on the Swift side.
        book = os.path.join(fixtures, '.loops_playbook.yml')
        with open(book, 'w') as f:
            json.dump(play, f)
        env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                   ANSIBLE_LOCAL_TEMP=tmp, ANSIBLE_NOCOLOR='1')
        bindir = os.path.dirname(sys.executable)
        try:
            proc = subprocess.run([os.path.join(bindir, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                                   '-e', 'ansible_python_interpreter=' + sys.executable, book],
                                  env=env, capture_output=True, text=True)
        finally:
            os.unlink(book)
        if not os.path.exists(dump):
            sys.stderr.write(proc.stdout + proc.stderr)
            sys.exit(4)
        with open(dump) as f:
            registered = json.load(f)
    out = []
    for result in registered:
        if 'results' in result:
            out.append({'items': [to_plain(r.get('item')) for r in result['results']]})
        else:
            out.append({'error': result.get('msg', 'failed')})
    json.dump(out, sys.stdout)


def main():
    if sys.argv[1] == '--loops':
        return run_loops(sys.argv[2])
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    # File lookups search the fixtures directory next to the cases, as the Swift side does.
    fixtures = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), 'fixtures')
    loader = DataLoader()
    loader.set_basedir(fixtures)
    out = []
    for case in cases:
        variables = dict(case.get('vars', {}))
        variables['ansible_search_path'] = [fixtures]
        templar = Templar(loader=loader, variables=variables)
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
