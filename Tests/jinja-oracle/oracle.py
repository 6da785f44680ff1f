#!/usr/bin/env python3
"""Renders every case under cases/ with Python's jinja2 and writes the expected results.

Case file format (plain text, several cases per file):

    === case-name flag flag ...
    ...template lines...              (the template, when it comes first)
    %vars {"json": "object"}          (optional, one line, anywhere in the case)
    %file name.html                   (optional, repeatable: templates for the dict loader)
    ...content lines...
    %template                         (the template; content runs to the next directive or ===)
    ...content lines...

Instead of %template a case may use `%tjson "..."` (template as a JSON string, for exact
newlines) or `%expr` (a bare expression, compiled like Environment.expression; the expected
value is its Python repr). Content is the lines joined with "\n" (no trailing newline).

Flags: trim (trim_blocks), lstrip (lstrip_blocks), keepnl (keep_trailing_newline),
strict (StrictUndefined that still chains attribute access, as Ansible does), chainable.

Usage: oracle.py [--out expected.json]
"""
import json
import os
import sys

import jinja2
from jinja2 import ChainableUndefined, DictLoader, Environment, StrictUndefined, Undefined


class AnsibleLikeUndefined(ChainableUndefined, StrictUndefined):
    """Strict about every use, but attribute/item access keeps returning the undefined."""


HERE = os.path.dirname(os.path.abspath(__file__))


def parse_cases(path):
    cases = []
    cur = None
    section = None
    lines = []

    def flush_section():
        nonlocal section, lines
        if cur is None or section is None:
            lines = []
            return
        content = "\n".join(lines)
        kind, arg = section
        if arg == "default" and not lines:
            pass
        elif kind == "file":
            cur["files"][arg] = content
        elif kind in ("template", "expr"):
            cur[kind] = content
        section = None
        lines = []

    with open(path, encoding="utf-8") as fh:
        raw = fh.read().split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    for line in raw:
        if line.startswith("=== "):
            flush_section()
            parts = line[4:].split()
            cur = {"name": parts[0], "flags": parts[1:], "vars": {}, "files": {}}
            cases.append(cur)
            section = ("template", "default")
        elif line.startswith("%vars "):
            cur["vars"] = json.loads(line[6:])
        elif line.startswith("%file "):
            flush_section()
            section = ("file", line[6:].strip())
        elif line == "%template":
            flush_section()
            section = ("template", None)
        elif line == "%expr":
            flush_section()
            section = ("expr", None)
        elif line.startswith("%tjson "):
            flush_section()
            cur["template"] = json.loads(line[7:])
            section = None
        else:
            lines.append(line)
    flush_section()
    return cases


def make_env(case):
    flags = case["flags"]
    undefined = Undefined
    if "strict" in flags:
        undefined = AnsibleLikeUndefined
    elif "chainable" in flags:
        undefined = ChainableUndefined
    return Environment(
        trim_blocks="trim" in flags,
        lstrip_blocks="lstrip" in flags,
        keep_trailing_newline="keepnl" in flags,
        undefined=undefined,
        loader=DictLoader(case["files"]),
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )


def error_kind(exc):
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "syntax"
    if isinstance(exc, jinja2.UndefinedError):
        return "undefined"
    if isinstance(exc, TypeError):
        return "type"
    return "runtime"


def run_case(case):
    env = make_env(case)
    try:
        if "expr" in case:
            value = env.compile_expression(case["expr"], undefined_to_none=False)(**case["vars"])
            return {"value": repr(value)}
        out = env.from_string(case.get("template", "")).render(**case["vars"])
        return {"output": out}
    except Exception as exc:  # the expected result is the error itself
        result = {"error": error_kind(exc), "message": str(exc)}
        if isinstance(exc, jinja2.TemplateSyntaxError):
            result["line"] = exc.lineno
        return result


def main():
    out_path = os.path.join(HERE, "expected.json")
    if "--out" in sys.argv:
        out_path = sys.argv[sys.argv.index("--out") + 1]
    results = {}
    case_dir = os.path.join(HERE, "cases")
    for fname in sorted(os.listdir(case_dir)):
        if not fname.endswith(".txt"):
            continue
        for case in parse_cases(os.path.join(case_dir, fname)):
            key = fname + "::" + case["name"]
            if key in results:
                raise SystemExit("duplicate case " + key)
            results[key] = run_case(case)
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1, sort_keys=True, ensure_ascii=True)
        fh.write("\n")
    print("wrote %d cases to %s (jinja2 %s)" % (len(results), out_path, jinja2.__version__))


if __name__ == "__main__":
    main()
