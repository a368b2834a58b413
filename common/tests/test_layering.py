"""common/ holds helpers every app may use, so it imports none of the apps."""

from __future__ import annotations

import ast
from pathlib import Path

COMMON = Path(__file__).resolve().parent.parent
APPS = {"accounts", "audit", "directory", "outbox", "portal", "demo"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_common_imports_no_app() -> None:
    offenders = {
        f"{path.relative_to(COMMON)}: {name}"
        for path in COMMON.rglob("*.py")
        if "tests" not in path.relative_to(COMMON).parts
        for name in imported_modules(path)
        if name.split(".")[0] in APPS
    }
    assert not offenders, sorted(offenders)
