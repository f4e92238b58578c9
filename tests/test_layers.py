"""The layer rules of ARCHITECTURE.md, checked on the source (AST) of every minbrowse module.

minbrowse.s3 <- minbrowse.transfer <- minbrowse.ui; only the UI imports textual; inside the
UI only the service (and the app entry that builds clients) reaches minbrowse.s3 /
minbrowse.transfer; nothing imports the test oracles (minio, boto3, botocore, moto).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "minbrowse"
ORACLES = ("minio", "boto3", "botocore", "moto")
# UI modules allowed to import minbrowse.s3 / minbrowse.transfer (the service and the entry).
# Headless job modules (config_jobs, tool_jobs, live_jobs, transfer_bridge) run only on the
# service's worker threads: they are part of the one service, split by concern.
UI_BACKEND_GATEWAYS = {"minbrowse.ui.service", "minbrowse.ui.app", "minbrowse.ui.config_jobs",
                       "minbrowse.ui.tool_jobs", "minbrowse.ui.live_jobs",
                       "minbrowse.ui.transfer_bridge"}
# minbrowse.s3 value/model modules any UI module may import to build documents (never the Client).
S3_MODEL_MODULES = tuple(f"minbrowse.s3.{name}" for name in (
    "commonconfig", "lifecycle", "replication", "sse", "notification", "objectlock",
    "versioning", "retention", "legalhold", "validation"))


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
        in_ui = name == "minbrowse.ui" or name.startswith("minbrowse.ui.")
        if not in_ui:
            forbid(("textual",), "only the UI layer imports textual")
        if in_ui and name not in UI_BACKEND_GATEWAYS:
            reaching = {i for i in imports if not any(i == m or i.startswith(m + ".")
                                                      for m in S3_MODEL_MODULES)}
            for bad in sorted(hits(reaching, ("minbrowse.s3", "minbrowse.transfer"))):
                problems.append(f"{name} imports {bad}: widgets and screens reach S3 only "
                                f"through minbrowse.ui.service (model modules excepted)")
    return problems


def test_layers_are_respected() -> None:
    modules = all_modules()
    assert "minbrowse.ui.service" in modules and "minbrowse.s3.errors" in modules
    assert violations(modules) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("minbrowse.s3.client", "import textual.app", "minbrowse.s3.client imports textual.app"),
        ("minbrowse.s3.client", "from ..ui import app", "minbrowse.s3.client imports minbrowse.ui"),
        ("minbrowse.transfer.engine", "from rich.text import Text", "imports rich.text"),
        ("minbrowse.config.loader", "def f():\n    import textual", "imports textual"),
        ("minbrowse.ui.widgets.object_list", "from ...s3.client import Client",
         "imports minbrowse.s3.client"),
        ("minbrowse.ui.screens.help", "from minbrowse.transfer import download_prefix",
         "imports minbrowse.transfer"),
        ("minbrowse.embedded.seaweedfs", "import botocore.session", "imports botocore"),
        ("minbrowse.ui.app", "import minio", "imports minio"),
    ],
)
def test_checker_catches_violations(module: str, source: str, expected: str) -> None:
    """The checker itself flags each kind of forbidden import (so the real test can fail)."""
    imports = imported_modules(source, module, is_package=False)
    found = violations({module: imports})
    assert any(expected in problem for problem in found), found


def test_gateways_may_import_s3() -> None:
    imports = imported_modules("from .. import s3\nfrom minbrowse.s3.errors import S3Error",
                               "minbrowse.ui.service", is_package=False)
    assert violations({"minbrowse.ui.service": imports}) == []
