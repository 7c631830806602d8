"""The layers of brandhub/ hold: entry points stand apart, and api/ and jobs/ have no import circle.

- No import circle among the modules of brandhub/api and brandhub/jobs.
- No module of one entry point (cli, web, api, jobs) imports a module of another:
  they meet in operations and services.

The graph is read from the source (every ``import`` statement, those inside
functions too), so a failure names each offending edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import brandhub

ROOT = Path(brandhub.__file__).parent
ENTRY_POINTS = ("cli", "web", "api", "jobs")
NO_CIRCLE = ("brandhub.api", "brandhub.jobs")


def module_name(path: Path) -> str:
    parts = ["brandhub", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for path in sorted(ROOT.rglob("*.py"))
    if "migrations" not in path.relative_to(ROOT).parts
}


def imports(name: str) -> set[str]:
    """The brandhub modules that ``name`` imports."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join([*(base if node.level else []), *filter(None, [node.module])])
            submodules = {f"{target}.{alias.name}" for alias in node.names} & set(MODULES)
            found |= submodules
            if len(submodules) < len(node.names):  # a name defined in the module itself
                found.add(target)
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: imports(name) for name in MODULES}


def layer(name: str) -> str | None:
    """The entry point a module belongs to, if any."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ENTRY_POINTS else None


def cycles(nodes: set[str]) -> list[list[str]]:
    """The strongly connected groups of more than one module among ``nodes`` (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node] & nodes:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return groups


def test_no_import_circle_in_api_and_jobs() -> None:
    nodes = {name for name in MODULES if name.startswith(NO_CIRCLE)}
    edges = [
        f"{source} -> {target}"
        for group in cycles(nodes)
        for source in group
        for target in sorted(GRAPH[source] & set(group))
    ]
    assert not edges, "import circles:\n" + "\n".join(edges)


def test_entry_points_do_not_import_each_other() -> None:
    edges = [
        f"{source} -> {target}"
        for source in sorted(GRAPH)
        for target in sorted(GRAPH[source])
        if layer(source) and layer(target) and layer(source) != layer(target)
    ]
    assert not edges, "imports between entry points:\n" + "\n".join(edges)


def test_the_graph_sees_relative_and_function_level_imports() -> None:
    assert "brandhub.api.blueprint" in GRAPH["brandhub.api.assets"]
    assert "brandhub.api.assets" in GRAPH["brandhub.api"]  # imported inside init_app
    assert cycles({"brandhub.api", "brandhub.api.blueprint"}) == []
