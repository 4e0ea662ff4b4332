"""core/ is the engine: it must never import streamlit (pages depend on core, never the reverse)."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"


def streamlit_imports(source: str) -> list[int]:
    """Line numbers where ``source`` imports streamlit, statically or through __import__ / import_module."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            function_name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            names = [str(node.args[0].value)] if function_name in ("__import__", "import_module") else []
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def test_detector_sees_every_form():
    source = "import os\nimport streamlit as st\nfrom streamlit.components import v1\n" \
             "import importlib\nimportlib.import_module('streamlit')\n__import__('streamlit')\nimport streamlit_extra\n"
    assert streamlit_imports(source) == [2, 3, 5, 6]


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda path: str(path.relative_to(CORE)))
def test_core_never_imports_streamlit(path):
    assert streamlit_imports(path.read_text(encoding="utf-8")) == [], f"{path} imports streamlit"


def test_core_files_were_found():
    assert (CORE / "trace.py").exists() and len(list(CORE.rglob("*.py"))) >= 5
