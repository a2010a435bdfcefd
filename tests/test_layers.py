"""The layering: views and APIs read through selectors; scoped models register themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ptdv
from ptdv.access import policy
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.pipeline.models import Case, PoolEntry, TrainingBatch

SRC = Path(ptdv.__file__).parent
VIEW_MODULES = sorted(SRC.glob("*/views.py"))
# The per-app routers and ptdv/api.py, which mounts them.
API_MODULES = sorted([*SRC.glob("*/api.py"), SRC / "api.py"])


def _manager_uses(path: Path) -> list[str]:
    """Return "line: expression" for every `.objects` / `._default_manager` in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
    ]


def test_every_app_with_pages_is_checked():
    assert {p.parent.name for p in VIEW_MODULES} >= {"access", "core", "orgs", "people", "pipeline"}


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: p.parent.name)
def test_views_query_only_through_selectors(path):
    # A view fetches through its app's selectors (scoped by access.policy), never a manager.
    assert _manager_uses(path) == []


def test_every_app_with_an_api_is_checked():
    assert {p.parent.name for p in API_MODULES} >= {"access", "core", "orgs", "people", "pipeline"}
    assert SRC / "api.py" in API_MODULES


@pytest.mark.parametrize(
    "path", API_MODULES, ids=lambda p: "ptdv" if p == SRC / "api.py" else p.parent.name
)
def test_apis_query_only_through_selectors(path):
    # An API operation reads through the same selectors as the pages, and writes through services.
    assert _manager_uses(path) == []


def test_the_check_sees_a_manager_call(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def v(request):\n    return Org.objects.filter(pk=1)\n", encoding="utf-8")

    assert _manager_uses(module) == ["2: Org.objects"]


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Org, "path"),
        (Person, "org__path"),
        (Case, "cell_path"),
        (PoolEntry, "cell_path"),
        (TrainingBatch, "organiser__path"),
    ],
)
def test_scoped_models_register_how_they_reach_their_unit(model, lookup):
    # The policy imports none of these models: each app registers its own from ready().
    assert policy._PATH_LOOKUPS[model] == lookup
