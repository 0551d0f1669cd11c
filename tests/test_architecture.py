"""The house rules of the code, checked over its syntax trees: first-party modules import one
another without a cycle (function-level imports included) and only at the top, except where
start-up order needs it; no module is over 450 lines; comments cite no issue numbers."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "sites",
    "home",
    "news",
    "reports",
    "directory",
    "privacy",
    "webforms",
    "membership",
    "events",
    "newsletters",
    "partners",
    "library",
]
MAX_LINES = 450
# Modules whose function-level imports are there for start-up order (AppConfig.ready and the
# signal receivers it connects, which run before every model can be imported at the top).
START_UP = {"sites.apps", "directory.apps", "home.apps"}


def _modules():
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imported(module, node):
    """First-party modules an import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = module.split(".")
        if MODULES[module].name != "__init__.py":
            base = base[:-1]
        if node.level:
            base = base[: len(base) - node.level + 1]
            prefix = ".".join([*base, *([node.module] if node.module else [])])
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]
    result = set()
    for name in names:
        while name and name not in MODULES and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in MODULES and name != module:
            result.add(name)
    return result


def _imports():
    """{module: (every first-party module it imports, those imported inside a function)}"""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        top = {id(node) for node in tree.body}
        every, nested = set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = _imported(module, node)
                every |= names
                if id(node) not in top:
                    nested |= names
        graph[module] = (every, nested)
    return graph


GRAPH = _imports()


def _cycle_from(start):
    stack, seen = [(start, [start])], set()
    while stack:
        module, path = stack.pop()
        for target in GRAPH[module][0]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_import_cycle():
    cycles = [cycle for module in MODULES if (cycle := _cycle_from(module))]
    assert not cycles, " -> ".join(cycles[0])


def test_first_party_imports_are_at_the_top():
    nested = {module: sorted(GRAPH[module][1]) for module in MODULES if module not in START_UP}
    assert not {module: names for module, names in nested.items() if names}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_450_lines(module):
    lines = MODULES[module].read_text().count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


def test_comments_cite_no_issue_numbers():
    issue = re.compile(r"issue [0-9]", re.IGNORECASE)
    hits = []
    for folder in [*PACKAGES, "tests", "templates", "static", "benchmarks"]:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".js"} and path.name != "test_architecture.py":
                hits += [
                    f"{path}: {line}"
                    for line in path.read_text().splitlines()
                    if issue.search(line)
                ]
    assert not hits, hits[:5]
