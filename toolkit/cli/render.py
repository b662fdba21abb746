"""`khulasa brief` and `khulasa review`: read the results (Markdown briefing, HTML review page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from toolkit.cli import _options as opt
from toolkit.cli import app
from toolkit.cli._io import read_article, write_output
from toolkit.errors import InputError

if TYPE_CHECKING:  # the library loads inside the commands, so `khulasa --help` stays fast
    from toolkit.schema import Briefing

_MODEL_HELP = "For .txt input: model name, 'offline', or 'local:PATH.gguf'. Env: KHULASA_MODEL."
_BASE_URL_HELP = "For .txt input: OpenAI-compatible endpoint. Env: KHULASA_BASE_URL."
_HINT_JSON = "pass JSON written by `khulasa summarize`, or the article .txt to summarize it first"


def _folder_files(folder: Path) -> list[Path]:
    """A folder's Briefing JSON files, or else its article .txt files (never both: that is ambiguous)."""
    jsons, txts = sorted(folder.glob("*.json")), sorted(folder.glob("*.txt"))
    if jsons and txts:
        raise InputError(
            f"{folder} holds both .json briefings and .txt articles",
            hint="pass the files you mean (e.g. folder/*.json) so no article is counted twice",
        )
    if not (jsons or txts):
        raise InputError(f"{folder} holds no .json briefing and no .txt article", hint=_HINT_JSON)
    return jsons or txts


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Turn the command-line inputs into a list of .json/.txt files, each once, in the given order.

    Args:
        inputs: Files or folders.

    Returns:
        The files.

    Raises:
        InputError: A path is missing, has another suffix, or a folder is empty or ambiguous.
    """
    files: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = _folder_files(path)
        elif path.is_file():
            if path.suffix.lower() not in (".json", ".txt"):
                raise InputError(f"{path}: expected a .json briefing or a .txt article", hint=_HINT_JSON)
            found = [path]
        else:
            raise InputError(f"no such file or folder: {raw}", hint="check the path")
        files += [f for f in found if f.resolve() not in {g.resolve() for g in files}]
    return files


def load_briefing(path: Path) -> Briefing:
    """Read and validate a saved Briefing JSON file.

    Args:
        path: The .json file.

    Returns:
        The briefing.

    Raises:
        InputError: The file is not UTF-8 JSON or not a valid Briefing.
    """
    from pydantic import ValidationError

    from toolkit.schema import Briefing

    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not JSON ({exc})", hint=_HINT_JSON) from exc
    except RecursionError:
        raise InputError(f"{path} is JSON nested too deeply to be a Briefing", hint=_HINT_JSON) from None
    try:
        return Briefing.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        problem = f"{exc.error_count()} problem(s); first: {where}: {first['msg']}"
        raise InputError(
            f"{path} is not a khulasa Briefing ({problem})",
            hint=_HINT_JSON,
        ) from exc


def _briefing_of(path: Path, model: str | None, base_url: str | None) -> Briefing:
    if path.suffix.lower() == ".json":
        return load_briefing(path)
    from toolkit.pipeline import summarize

    text, source_id = read_article(str(path))
    return summarize(text, model=model, base_url=base_url, source_id=source_id)


@app.command("brief")
def brief_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="Briefing JSON files, article .txt files (summarized first), or folders of them.",
        ),
    ],
    output: opt.Output = None,
    model: Annotated[str | None, typer.Option("--model", "-m", metavar="NAME", help=_MODEL_HELP)] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL", help=_BASE_URL_HELP)] = None,
) -> None:
    """Write an English Markdown briefing (one input) or a digest by speaker and topic (several)."""
    from toolkit.render import render_briefing

    briefings = [_briefing_of(path, model, base_url) for path in expand_inputs(inputs)]
    write_output(render_briefing(briefings), output)


@app.command("review")
def review_command(
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="An article .txt (summarized first) or a Briefing .json."),
    ],
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="The HTML file to write.")],
    article: Annotated[
        str | None,
        typer.Option(
            "--article",
            "-a",
            metavar="FILE",
            help="For .json input: the exact article text it was made from.",
        ),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", metavar="NAME", help=_MODEL_HELP)] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL", help=_BASE_URL_HELP)] = None,
) -> None:
    """Write a self-contained HTML page with every claim highlighted in the Arabic article."""
    from toolkit.pipeline import summarize
    from toolkit.render import render_review

    path = Path(source)
    if path.suffix.lower() == ".json":
        if article is None:
            raise InputError(
                f"{source} is a Briefing: the review page also needs its article text",
                hint="add --article PATH (the exact .txt file the briefing was summarized from)",
            )
        if not path.is_file():
            raise InputError(f"no such file: {source}", hint="check the path")
        briefing = load_briefing(path)
        text, _ = read_article(article)
    elif path.suffix.lower() == ".txt":
        if article is not None:
            raise InputError(
                "--article is only for .json input", hint=f"drop --article; {source} is the article"
            )
        text, source_id = read_article(source)
        briefing = summarize(text, model=model, base_url=base_url, source_id=source_id)
    else:
        raise InputError(f"{source}: expected an article .txt or a Briefing .json", hint=_HINT_JSON)
    write_output(render_review(briefing, text), output)
