"""The dependency rule of README "Layout", kept by import-linter (.importlinter) and by the tests below."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APPS = ["newsroom", "articles", "comments", "background", "webhooks", "accounts"]

# Imports inside functions that are there for a reason other than dodging a cycle.
# (file, function) -> (the modules it may import there, why)
LAZY_IMPORTS = {
    ("comments/apps.py", "ready"): (
        {"comments"}, "registers the system checks and the receivers of comments.events once the apps are loaded",
    ),
    ("background/apps.py", "ready"): ({"background"}, "registers the queue's retry signal receivers"),
    ("webhooks/apps.py", "ready"): ({"comments", "webhooks"}, "connects to comments.events once the apps are loaded"),
    **{
        ("comments/triage.py", function): (
            {"sklearn", "numpy", "scipy", "skops"},
            "scikit-learn and its kin take a second to import: loaded to train or score, not by every process",
        )
        for function in ["_index", "_vectorisers", "_matrix", "_classifier", "evaluate", "cross_validate",
                         "train", "dump", "__init__", "_weights"]
    },
}


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_imports_itself_back_through_others():
    """No cycle between any two modules of our apps, within an app or across apps."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*APPS, cache_dir=None)
    cycles = [component for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def _strongly_connected(graph):
    """Tarjan's algorithm over the direct imports between our modules."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def _imports_inside_functions():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Import):
                        modules = [alias.name for alias in node.names]
                    elif isinstance(node, ast.ImportFrom):
                        modules = [node.module or ""] if node.level == 0 else [f"{app}.{node.module or ''}"]
                    else:
                        continue
                    for module in modules:
                        yield path.relative_to(ROOT).as_posix(), function.name, node.lineno, module


def test_imports_inside_functions_are_only_the_deliberately_lazy_ones():
    unexplained = [
        f"{file}:{line} in {function}(): {module}"
        for file, function, line, module in _imports_inside_functions()
        if module.split(".")[0] not in LAZY_IMPORTS.get((file, function), (set(), ""))[0]
    ]
    assert unexplained == []


def test_the_allow_list_names_only_imports_that_exist():
    found = {(file, function) for file, function, _, _ in _imports_inside_functions()}
    assert set(LAZY_IMPORTS) <= found
