"""The engine is pure Python: nothing under rules/engine imports Django (architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "rules" / "engine"
SOURCES = sorted(ENGINE.rglob("*.py"))


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.append(str(node.args[0].value))
    return names


def test_engine_sources_found():
    assert {p.name for p in SOURCES} >= {"__init__.py", "assess.py", "parse.py", "types.py"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_django_import(path):
    bad = [m for m in imported_modules(path) if m == "django" or m.startswith("django.")]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_engine_imports_only_itself_and_the_standard_library(path):
    allowed_roots = set(sys.stdlib_module_names) | {"rules"}
    for module in imported_modules(path):
        root = module.split(".")[0]
        assert root in allowed_roots, f"{path.name} imports {module}"
        if root == "rules":
            assert module == "rules.engine" or module.startswith("rules.engine."), module


def test_importing_the_engine_does_not_load_django():
    code = "import sys, rules.engine; print('django' in sys.modules)"
    root = ENGINE.parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
