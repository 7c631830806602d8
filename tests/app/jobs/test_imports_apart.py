"""The worker, the queue and the command line stand apart: who imports whom.

Read from the source (every import statement, also those inside functions):
the command line and the queue service never import the worker side or the
web entry points, the worker never imports another entry point, and the
modules of the worker and of the queue import one another without a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "brandhub"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def brandhub_imports(path: Path) -> set[str]:
    """The brandhub modules ``path`` imports (``from . import x`` counts as the module x)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if exists(sub) else base)
    return {name for name in found if name == "brandhub" or name.startswith("brandhub.")}


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def under(name: str, *packages: str) -> bool:
    return any(name == f"brandhub.{p}" or name.startswith(f"brandhub.{p}.") for p in packages)


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("cli", ("jobs", "web", "api")),
        ("job_queue", ("jobs", "cli", "web", "api")),
        ("jobs", ("cli", "web", "api")),
    ],
)
def test_an_entry_point_imports_no_other(folder, forbidden):
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in modules(folder)
        if path.name != "views.py"  # the jobs API: an api/ module in the making
        for name in brandhub_imports(path)
        if under(name, *forbidden)
    }
    assert not wrong


def test_no_circle_among_the_modules_of_the_worker_and_the_queue():
    paths = modules("jobs") + modules("job_queue")
    graph = {
        module_name(path): {
            name for name in brandhub_imports(path) if under(name, "jobs", "job_queue")
        }
        for path in paths
        if path.name != "views.py"
    }
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError(" -> ".join([*trail[trail.index(name) :], name]))
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
