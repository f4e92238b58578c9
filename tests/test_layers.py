"""The layer rules of ARCHITECTURE.md, checked on the source (AST) of every minbrowse module.

minbrowse.s3 <- minbrowse.transfer <- minbrowse.ui (and minbrowse.s3 <- minbrowse.capabilities,
headless too); only the UI imports textual; inside the
UI only the service (and the app entry that builds clients) reaches minbrowse.s3 /
minbrowse.transfer; nothing imports the test oracles (minio, boto3, botocore, moto).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "minbrowse"
ORACLES = ("minio", "boto3", "botocore", "moto")
# UI modules allowed to import minbrowse.s3 / minbrowse.transfer: the app entry (it builds
# clients) and the jobs room, i.e. the one service and the headless jobs it runs on its worker
# threads (configuration, tools, live events, transfers), split by concern.
UI_BACKEND_ENTRY = {"minbrowse.ui.app"}
UI_BACKEND_ROOM = "minbrowse.ui.jobs"


def is_backend_gateway(name: str) -> bool:
    return name in UI_BACKEND_ENTRY or name == UI_BACKEND_ROOM or name.startswith(UI_BACKEND_ROOM + ".")
# minbrowse.s3 value/model modules any UI module may import to build documents (never the Client).
S3_MODEL_MODULES = tuple(f"minbrowse.s3.{name}" for name in (
    "commonconfig", "lifecycle", "replication", "sse", "notification", "objectlock",
    "versioning", "retention", "legalhold", "validation", "errors", "serverinfo"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    """Absolute names of everything `source` imports (relative imports resolved, lazy ones too)."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def all_modules() -> dict[str, set[str]]:
    modules = {}
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        name = module_name(path)
        modules[name] = imported_modules(path.read_text(encoding="utf-8"), name,
                                         path.name == "__init__.py")
    return modules


def hits(imports: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {name for name in imports
            if any(name == f or name.startswith(f + ".") for f in forbidden)}


def violations(modules: dict[str, set[str]]) -> list[str]:
    problems = []
    for name, imports in modules.items():
        def forbid(what: tuple[str, ...], why: str) -> None:
            for bad in sorted(hits(imports, what)):
                problems.append(f"{name} imports {bad}: {why}")

        forbid(ORACLES, "test oracles are never imported by minbrowse")
        if name == "minbrowse.s3" or name.startswith("minbrowse.s3."):
            forbid(("textual", "rich", "minbrowse.transfer", "minbrowse.ui"), "s3 is the bottom layer")
        if name == "minbrowse.transfer" or name.startswith("minbrowse.transfer."):
            forbid(("textual", "rich", "minbrowse.ui"), "transfer is headless")
        if name == "minbrowse.capabilities" or name.startswith("minbrowse.capabilities."):
            forbid(("textual", "rich", "minbrowse.ui", "minbrowse.transfer"),
                   "the capability probe is headless and stands on minbrowse.s3 alone")
        in_ui = name == "minbrowse.ui" or name.startswith("minbrowse.ui.")
        if not in_ui:
            forbid(("textual",), "only the UI layer imports textual")
        if in_ui and not is_backend_gateway(name):
            reaching = {i for i in imports if not any(i == m or i.startswith(m + ".")
                                                      for m in S3_MODEL_MODULES)}
            for bad in sorted(hits(reaching, ("minbrowse.s3", "minbrowse.transfer"))):
                problems.append(f"{name} imports {bad}: widgets and screens reach S3 only "
                                f"through minbrowse.ui.jobs.service (model modules excepted)")
    return problems


def test_layers_are_respected() -> None:
    modules = all_modules()
    assert "minbrowse.ui.jobs.service" in modules and "minbrowse.s3.errors" in modules
    assert violations(modules) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("minbrowse.s3.client", "import textual.app", "minbrowse.s3.client imports textual.app"),
        ("minbrowse.s3.client", "from ..ui import app", "minbrowse.s3.client imports minbrowse.ui"),
        ("minbrowse.transfer.engine", "from rich.text import Text", "imports rich.text"),
        ("minbrowse.config.loader", "def f():\n    import textual", "imports textual"),
        ("minbrowse.ui.listing.object_list", "from ...s3.client import Client",
         "imports minbrowse.s3.client"),
        ("minbrowse.ui.screens.help", "from minbrowse.transfer import download_prefix",
         "imports minbrowse.transfer"),
        ("minbrowse.embedded.seaweedfs", "import botocore.session", "imports botocore"),
        ("minbrowse.ui.app", "import minio", "imports minio"),
        ("minbrowse.capabilities.probe", "from minbrowse.ui.core import errors",
         "imports minbrowse.ui.core"),
    ],
)
def test_checker_catches_violations(module: str, source: str, expected: str) -> None:
    """The checker itself flags each kind of forbidden import (so the real test can fail)."""
    imports = imported_modules(source, module, is_package=False)
    found = violations({module: imports})
    assert any(expected in problem for problem in found), found


def test_gateways_may_import_s3() -> None:
    imports = imported_modules("from .. import s3\nfrom minbrowse.s3.errors import S3Error",
                               "minbrowse.ui.jobs.service", is_package=False)
    assert violations({"minbrowse.ui.jobs.service": imports}) == []


# ---- no import circles --------------------------------------------------------------------
# An edge A -> B where module A imports module B at run time: at module level or inside a
# function (a lazy import still closes a circle), but not under `if TYPE_CHECKING:`.
# `from pkg import name` is an edge to `pkg.name` when that is a module, else to `pkg`; the
# implicit import of a package's __init__ by its submodules is not an edge.

def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def runtime_import_edges(source: str, module: str, is_package: bool,
                         known: set[str]) -> set[str]:
    """The minbrowse modules in `known` that `source` imports when it runs."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if _is_type_checking(node.test):
                for child in node.orelse:
                    self.visit(child)
            else:
                self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            for alias in node.names:
                sub = f"{prefix}.{alias.name}"
                found.add(sub if sub in known else prefix)

    Visitor().visit(ast.parse(source))
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in sorted(PACKAGE_ROOT.rglob("*.py"))}
    known = set(paths)
    return {name: runtime_import_edges(path.read_text(encoding="utf-8"), name,
                                       path.name == "__init__.py", known)
            for name, path in paths.items()}


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_import_circles() -> None:
    graph = import_graph()
    assert "minbrowse.ui.jobs.service" in graph and graph["minbrowse.ui.app"]
    assert import_circles(graph) == []


@pytest.mark.parametrize(
    ("sources", "circle"),
    [
        # lazy import inside a function closes a circle
        ({"minbrowse.ui.jobs.service": "from .config_jobs import run",
          "minbrowse.ui.jobs.config_jobs": "def f():\n    from .service import describe_error"},
         ["minbrowse.ui.jobs.config_jobs", "minbrowse.ui.jobs.service"]),
        # three modules in a ring, one of them through `from package import module`
        ({"minbrowse.a": "from minbrowse import b", "minbrowse.b": "import minbrowse.c",
          "minbrowse.c": "try:\n    from .a import x\nexcept ImportError:\n    pass"},
         ["minbrowse.a", "minbrowse.b", "minbrowse.c"]),
    ],
)
def test_circle_checker_finds_circles(sources: dict[str, str], circle: list[str]) -> None:
    known = set(sources)
    graph = {name: runtime_import_edges(src, name, False, known) for name, src in sources.items()}
    assert import_circles(graph) == [circle]


def test_circle_checker_ignores_type_checking_imports() -> None:
    sources = {"minbrowse.ui.app": "from .actions.browse import ActionsMixin",
               "minbrowse.ui.actions.browse": ("from typing import TYPE_CHECKING\n"
                                               "if TYPE_CHECKING:\n    from ..app import App")}
    known = set(sources)
    graph = {name: runtime_import_edges(src, name, False, known) for name, src in sources.items()}
    assert import_circles(graph) == []
