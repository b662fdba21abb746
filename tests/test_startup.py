"""Import on demand: what `import toolkit` and the CLI load (module lists, never timings).

Each check runs in a fresh interpreter (`sys.modules` of the test process is full already). The
timings themselves are measured by benchmarks/startup.py, not asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit import arabic

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt"

HEAVY = ("openai", "instructor", "httpx", "httpx2", "rich", "jinja2", "markdown_it", "pygments")
"""Packages nothing may load before it is used (the HTTP client stack, Jinja2, rich)."""


def _loaded_after(code: str, *argv: str) -> set[str]:
    """Top-level package names in sys.modules after running `code` (with `argv`) in a new interpreter."""
    probe = (
        "import sys, json, atexit\n"
        "atexit.register(lambda: print('\\n@@' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})),"
        " file=sys.stderr))\n"
        f"sys.argv = {['probe', *argv]!r}\n" + code
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KHULASA_MODEL": "offline"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    marker = done.stderr.rsplit("@@", 1)
    assert len(marker) == 2, done.stderr[-2000:]
    return set(json.loads(marker[1]))


def test_import_toolkit_loads_no_heavy_dependency() -> None:
    loaded = _loaded_after("import toolkit")
    assert not loaded & {*HEAVY, "pydantic", "typer", "asyncio"}, loaded & {*HEAVY, "pydantic", "typer"}


def test_public_names_load_their_module_on_first_use() -> None:
    loaded = _loaded_after("import toolkit\nassert toolkit.ToolkitError.__name__ == 'ToolkitError'")
    assert "pydantic" not in loaded  # errors alone need no model
    loaded = _loaded_after("from toolkit import summarize, Briefing")
    assert "pydantic" in loaded and not loaded & set(HEAVY)


def test_lazy_api_matches_all_and_dir() -> None:
    for name in toolkit.__all__:
        assert getattr(toolkit, name).__name__ == name
    assert set(toolkit.__all__) <= set(dir(toolkit))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = toolkit.nope  # type: ignore[attr-defined]


def test_help_and_version_load_no_rich_markdown_or_library() -> None:
    cli = "from toolkit.cli import main\nmain(sys.argv[1:])"
    for argv in (["--help"], ["--version"], ["summarize", "--help"], ["batch", "--help"]):
        loaded = _loaded_after(cli, *argv)
        assert not loaded & {*HEAVY, "pydantic"}, (argv, loaded & {*HEAVY, "pydantic"})


def test_offline_summarize_loads_no_http_client_or_templates() -> None:
    loaded = _loaded_after("from toolkit.cli import main\nmain(sys.argv[1:])", "summarize", str(SEED))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert "asyncio" not in loaded


def test_version_flag_prints_the_package_version() -> None:
    from toolkit._version import __version__

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout == f"khulasa {__version__}\n"


def test_whitespace_literal_equals_the_unicode_scan() -> None:
    scanned = frozenset(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert scanned == arabic._WHITESPACE
