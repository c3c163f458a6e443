"""Renders templates with Jinja2, as dbt configures it, for tsdbt's differential tests.

Reads JSON from stdin: {"templates": [{"id": str, "text": str}], "macros": str}
Writes JSON to stdout: {"version": str, "results": {id: {"output": str} | {"error": str}}}

Every template sees the same context as test/support/jinja-corpus.ts gives tsdbt: a few plain
values and echoing stand-ins for dbt's functions (ref, source, config...). `macros` (Jinja text)
is loaded first; its macros are globals, as a project's macros are in dbt.
"""
import json
import sys

import jinja2
import jinja2.runtime
from jinja2.sandbox import SandboxedEnvironment


class MacroReturn(Exception):
    def __init__(self, value):
        super().__init__()
        self.value = value


def dbt_return(value):
    raise MacroReturn(value)


# dbt's `{{ return(x) }}`: the macro call evaluates to x (dbt's MacroGenerator catches it the same way).
_macro_call = jinja2.runtime.Macro.__call__


def _call(self, *args, **kwargs):
    try:
        return _macro_call(self, *args, **kwargs)
    except MacroReturn as signal:
        return signal.value


jinja2.runtime.Macro.__call__ = _call


def echo(name):
    def call(*args, **kwargs):
        return name + "(" + ", ".join(str(arg) for arg in args) + ")"
    return call


class Config:
    def __call__(self, *args, **kwargs):
        return ""

    def get(self, key, default=None):
        return default


def context():
    return {
        "n": 3,
        "s": "abc",
        "xs": [1, 2, 3],
        "names": ["b", "a", "c"],
        "d": {"k": "v", "n": 1},
        "people": [{"name": "ada", "age": 36}, {"name": "bob", "age": 25}, {"name": "cy", "age": 41}],
        "t": True,
        "f": False,
        "nothing": None,
        "ref": echo("ref"),
        "source": echo("source"),
        "var": echo("var"),
        "env_var": echo("env_var"),
        "log": lambda *args, **kwargs: "",
        "config": Config(),
        "this": "db.this_model",
        "is_incremental": lambda: False,
        "run_query": lambda *args, **kwargs: None,
        "execute": False,
        "target": {"name": "dev", "schema": "analytics", "type": "clickhouse"},
        "return": dbt_return,
    }


def environment():
    # dbt: SandboxedEnvironment with the `do` extension, default Undefined, no autoescape.
    # keep_trailing_newline=True: tsdbt keeps a template's last newline (a documented difference,
    # tested on its own), so the corpus compares everything else.
    env = SandboxedEnvironment(extensions=["jinja2.ext.do"], keep_trailing_newline=True)
    env.filters["as_text"] = lambda value: "" if value is None else str(value)
    return env


def main():
    request = json.load(sys.stdin)
    env = environment()
    env.globals.update(context())
    macros = env.from_string(request.get("macros", "")).module
    for name in dir(macros):
        if not name.startswith("_"):
            env.globals[name] = getattr(macros, name)
    results = {}
    for item in request["templates"]:
        try:
            results[item["id"]] = {"output": env.from_string(item["text"]).render()}
        except Exception as error:  # noqa: BLE001 - any failure is a result to compare
            results[item["id"]] = {"error": type(error).__name__ + ": " + str(error)}
    json.dump({"version": jinja2.__version__, "results": results}, sys.stdout)


main()
