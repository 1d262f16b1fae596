"""The package shows its pipeline: every module imports only from its own layer or lower ones, never in a
circle, and imports of our own modules sit at module top (only heavy third-party packages are imported
inside functions)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"

#: lowest first; a module may import from its own layer and those before it
LAYERS = [
    ("kg.errors", "kg.resources", "kg.fileio"),
    ("kg.model",),
    ("kg.extract",),
    ("kg.rdf",),
    ("kg.store",),
    ("kg.explore",),
    ("kg.api",),
    ("kg.cli", "kg"),
]


def layer_of(module: str) -> int:
    best = None
    for i, names in enumerate(LAYERS):
        for n in names:
            if (module == n or module.startswith(n + ".")) and (best is None or len(n) > len(best[1])):
                best = (i, n)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


def own_imports(path: Path, module: str) -> list[tuple[str, int, bool]]:
    """(imported kg module, line, at module top?) for every import of a kg module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for n in names:
            if n == "kg" or n.startswith("kg."):
                found.append((n, node.lineno, id(node) in top))
    return found


def resolve(name: str, known: dict[str, Path]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {m: set() for m in known}
    for m, p in known.items():
        for n, _, _ in own_imports(p, m):
            target = resolve(n, known)
            if target and target != m:
                edges[m].add(target)
    return edges


def test_every_module_is_in_a_layer():
    for m in modules():
        layer_of(m)


def test_no_module_imports_upward():
    known = modules()
    bad = []
    for m, p in known.items():
        for n, line, _ in own_imports(p, m):
            target = resolve(n, known)
            if target and target != "kg" and layer_of(target) > layer_of(m):
                bad.append(f"{p.relative_to(PACKAGE.parent)}:{line} imports {target} (a higher layer)")
    assert not bad, "\n".join(bad)


def test_own_modules_are_imported_at_module_top():
    bad = []
    for m, p in modules().items():
        for n, line, at_top in own_imports(p, m):
            if not at_top:
                bad.append(f"{p.relative_to(PACKAGE.parent)}:{line} imports {n} inside a function")
    assert not bad, "\n".join(bad)


def test_no_import_circle():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges[m]):
            if n.startswith(m + ".") or m == "kg":   # a package importing its own modules is not a circle
                continue
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                pytest.fail("import circle: " + " → ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from kg.cli import main\n", encoding="utf-8")
    found = own_imports(bad, "kg.extract.bad")
    assert ("kg.cli", 2, False) in found
    assert layer_of("kg.cli") > layer_of("kg.extract.bad")
