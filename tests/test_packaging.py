"""The wheel: one import package (`toolkit`), the prompts shipped inside it, the `khulasa` script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed: {proc.stderr[-2000:]}")
    [whl] = out.glob("khulasa-*.whl")
    return zipfile.ZipFile(whl)


def test_wheel_installs_only_the_toolkit_package(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"toolkit"}


def test_wheel_ships_every_prompt_template(wheel: zipfile.ZipFile) -> None:
    shipped = {Path(n).name for n in wheel.namelist() if n.startswith("toolkit/_prompts/")}
    assert shipped == {p.name for p in (ROOT / "prompts").glob("*.j2")}


def test_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "khulasa = toolkit.cli:main" in wheel.read(entry_points).decode("utf-8")
