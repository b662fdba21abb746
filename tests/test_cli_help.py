"""The help of every `khulasa` command follows toolkit/cli/_options.py's conventions.

Option values are shown the way users write them (`--concurrency N`, `--format [json|md]`), never as
Python types (`<int>`, `<str>`), and help wraps at the terminal's width. New sub-commands are
checked automatically: this walks the whole command tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from toolkit.cli import COMMANDS, app, main

PYTHON_TYPE = re.compile(r"<(?:int|float|str|bool|Path|list|tuple|datetime|UUID|Enum)\b[^>]*>")


def _commands(command: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    command = command or typer.main.get_command(app)
    yield path, command
    list_commands = getattr(command, "list_commands", None)
    if list_commands is None:
        return
    for name in list_commands(None):
        yield from _commands(command.get_command(None, name), (*path, name))


@pytest.fixture
def help_text(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    def run(path: tuple[str, ...], columns: int) -> str:
        monkeypatch.setenv("COLUMNS", str(columns))  # what a terminal of that width reports
        capsys.readouterr()
        assert main([*path, "--help"]) == 0
        return capsys.readouterr().out

    return run


def test_every_registered_command_is_listed_and_loads() -> None:
    names = {path[0] for path, _ in _commands() if len(path) == 1}
    assert names >= set(COMMANDS)


def test_every_value_has_a_metavar_the_way_users_write_it() -> None:
    missing = []
    for path, command in _commands():
        for param in getattr(command, "params", []):
            takes_value = not getattr(param, "is_flag", False) and not getattr(param, "count", False)
            if param.param_type_name == "option" and not takes_value:
                continue
            if not param.metavar or PYTHON_TYPE.search(param.metavar):
                missing.append(f"khulasa {' '.join(path)} {param.opts[0]}")
    assert not missing, f"add metavar= (see toolkit/cli/_options.py) to: {missing}"


@pytest.mark.parametrize("columns", [80, 120])
def test_help_shows_no_python_types_and_wraps_at_the_terminal_width(columns: int, help_text: Any) -> None:
    for path, _ in _commands():
        text = help_text(path, columns)
        assert not PYTHON_TYPE.search(text), (path, PYTHON_TYPE.findall(text))
        assert max(len(line) for line in text.splitlines()) <= columns, path


def test_summarize_help_reads_like_the_command_line(help_text: Any) -> None:
    text = help_text(("summarize",), 120)
    assert "Usage: khulasa summarize [OPTIONS] ARTICLE" in text
    assert "-f, --format [json|md]" in text and "--max-reasks N" in text and "--timeout SECONDS" in text
    batch = help_text(("batch",), 120)
    assert "-c, --concurrency N" in batch and "--openai-batch [submit|status|collect]" in batch
    # Wider terminals get wider help (click's default caps it at 80 columns).
    assert max(map(len, help_text(("batch",), 160).splitlines())) > 100


def test_summarize_max_chars_default_shown_is_the_pipeline_limit(help_text: Any) -> None:
    from toolkit.cli import _options
    from toolkit.pipeline import MAX_CHARS

    assert _options.MAX_CHARS == MAX_CHARS
    assert f"Refuse longer articles (default {MAX_CHARS})." in help_text(("summarize",), 120)


def test_version_and_a_mistyped_command(capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit._version import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"khulasa {__version__}\n"
    assert main(["sumarize", "article.txt"]) == 2
    assert "No such command 'sumarize'. Did you mean 'summarize'?" in capsys.readouterr().err
