"""Grouping: a module of its own that knows nothing of figures or report prose."""

import ast

from conftest import ROOT
from toolkit import groups as tg
from toolkit import summary as ts


def _toolkit_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.add((node.module or "").split(".")[0] or next(a.name for a in node.names))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkit"):
            found.add(node.module.split(".")[1] if "." in node.module else next(a.name for a in node.names))
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("toolkit.")}
    return found


def test_grouping_imports_neither_figures_nor_prose():
    imports = _toolkit_imports(ROOT / "toolkit" / "groups.py")
    assert imports, "the scan finds the module's own imports"
    assert not imports & {"figures", "summary", "report", "display", "explore"}, imports



def test_every_module_takes_grouping_from_groups():
    # One home for grouping: no module imports it through the prose module.
    moved = {"add_periods", "with_groups", "describe_groups", "confounds", "metadata_columns", "parse_periods",
             "period_labels"}
    for path in sorted((ROOT / "toolkit").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("summary"):
                assert not moved & {a.name for a in node.names}, (path.name, node.lineno)
    assert not moved & set(dir(ts)) - {"confounds", "with_groups"}    # summary uses only these two itself
