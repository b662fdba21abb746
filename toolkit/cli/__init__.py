"""The `khulasa` command: thin wrappers over the library. No logic of its own lives here.

Each sub-command lives in its own module and registers itself on `app` when imported below.
User errors (`ToolkitError`) print one line plus a hint on stderr and exit non-zero, no traceback.
"""

from __future__ import annotations

import sys

import typer

from toolkit.errors import ToolkitError

app = typer.Typer(
    name="khulasa",
    help="Arabic news in, grounded bilingual briefings out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-command modules register themselves on `app` (one import line each).
from toolkit.cli import batch as _batch  # noqa: E402,F401
from toolkit.cli import eval as _eval  # noqa: E402,F401
from toolkit.cli import render as _render  # noqa: E402,F401
from toolkit.cli import seeds as _seeds  # noqa: E402,F401
from toolkit.cli import serve as _serve  # noqa: E402,F401
from toolkit.cli import store as _store  # noqa: E402,F401
from toolkit.cli import summarize as _summarize  # noqa: E402,F401


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and turn `ToolkitError` into one line + hint on stderr.

    Args:
        argv: Arguments without the program name; defaults to `sys.argv[1:]`.

    Returns:
        The process exit code.
    """
    try:
        # Without standalone mode click *returns* a command's typer.Exit code instead of raising it.
        rc = app(args=argv, standalone_mode=False)
    except ToolkitError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # usage errors and bad options (typer vendors click)
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"error: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2) or 2)
    return rc if isinstance(rc, int) else 0
