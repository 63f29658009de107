"""The package graph points one way: defs -> steps -> (ml, quality, lake, registry, ...), no cycles."""

import ast
from collections import defaultdict
from pathlib import Path

import hl_pipeline

ROOT = Path(hl_pipeline.__file__).parent


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "hl_pipeline" else None


def package_imports(root: Path = ROOT) -> dict[str, set[str]]:
    """{package: packages it imports}, from every import statement (lazy and TYPE_CHECKING ones too)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).with_suffix("").parts
        here = rel[0]  # a package (folder) or a top-level module such as settings
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                target = _package_of(name)
                known = target and ((root / target).is_dir() or (root / f"{target}.py").exists())
                if target and known and target != here:
                    graph[here].add(target)
        graph.setdefault(here, set())
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from its first node)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_cycle_between_packages():
    assert cycles(package_imports()) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"ml": {"lake"}, "registry": {"ml"}, "lake": {"registry"}, "steps": {"ml"}}
    assert cycles(graph) == [["lake", "registry", "ml", "lake"]]


def test_layers_point_one_way():
    graph = package_imports()
    assert "ml" not in graph["registry"], "registry is MLflow persistence only: it never imports ml"
    above = {"defs", "steps", "commands", "cli", "definitions"}
    for package, imported in graph.items():
        if package not in above:
            assert not imported & above, f"{package} imports {sorted(imported & above)}, a layer above it"
    assert not graph["steps"] & {"defs", "commands", "cli", "definitions"}
    assert "dagster" not in _third_party(ROOT / "steps") and "dagster" not in _third_party(ROOT / "ml")


def _third_party(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names
