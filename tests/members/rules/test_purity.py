"""The registry's rules stay pure: no database, no models, nothing above members."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ptdv

RULES = sorted((Path(ptdv.__file__).parent / "members" / "rules").glob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.stem)
def test_rules_import_no_database_models_or_pipeline(path: Path) -> None:
    imported = _imports(path)
    assert not {m for m in imported if m == "django.db" or m.startswith("django.db.")}
    assert not {m for m in imported if m.startswith("ptdv.") and m.endswith(".models")}
    assert not {m for m in imported if m.startswith("ptdv.pipeline")}
    assert not {m for m in imported if m in ("datetime.datetime", "django.utils.timezone")}


def test_every_rules_module_is_checked() -> None:
    assert {p.stem for p in RULES} >= {
        "badges",
        "dates",
        "findings",
        "ratings",
        "replay",
        "seniority",
        "transfers",
        "watch",
    }
