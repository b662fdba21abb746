"""The `khulasa` command: thin wrappers over the library. No logic of its own lives here.

Each sub-command lives in its own module and registers itself on `app`; `COMMANDS` below says which
module defines which command, and a module is imported only when its command runs (or when
`khulasa --help` lists them all). How sub-commands are written (lazy library imports, metavars,
plain help) is in `toolkit/cli/_options.py`.
User errors (`ToolkitError`) print one line plus a hint on stderr and exit non-zero, no traceback.
"""

from __future__ import annotations

import errno
import os
import sys
from importlib import import_module
from typing import Any

import typer
import typer.main
from typer.core import TyperArgument, TyperGroup

from toolkit.cli._options import CONTEXT_SETTINGS
from toolkit.errors import InputError, OutputError, ToolkitError

COMMANDS: dict[str, str] = {
    "summarize": "summarize",
    "batch": "batch",
    "brief": "render",
    "review": "render",
    "eval": "eval",
    "seeds": "seeds",
    "store": "store",
    "serve": "serve",
    "cache": "batch",
}
"""Sub-command name -> the module of `toolkit.cli` that registers it on `app`, in `--help` order.
A new sub-command adds one line here (not an import)."""


class _Argument(TyperArgument):
    """An argument shown by its metavar alone (`ARTICLE`, `[SOURCE]`), the way users write it.

    typer prints the Python type beside it (`ARTICLE <str>`, usage `{ARTICLE}`); click prints the
    metavar. The command is built by typer, then its arguments take this class (`_plain`).
    """

    def get_help_record(self, ctx: Any) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return (self.metavar, record[1]) if record and self.metavar else record

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        if not self.metavar:
            return super().get_usage_pieces(ctx)
        return [self.metavar if self.required else f"[{self.metavar}]"]


def _plain(command: Any) -> Any:
    """Give a built command's (and its sub-commands') arguments the plain `_Argument` display."""
    for param in getattr(command, "params", []):
        if type(param) is TyperArgument:
            param.__class__ = _Argument  # same fields, only the display methods differ
    for sub in getattr(command, "commands", {}).values():
        _plain(sub)
    return command


class _LazyGroup(TyperGroup):
    """The root group: builds a sub-command from `app`'s registrations the first time it is asked for.

    typer converts every registered command (and evaluates all their annotations) before parsing
    anything; here `khulasa summarize` imports and builds `summarize` alone.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # typer coerces every option value through a pydantic TypeAdapter, the root's own `--help`
        # (False) included, so `khulasa summarize --help` would import pydantic (~70 ms) before it
        # printed anything. The root takes no other option: `--version` is answered here, and when a
        # sub-command comes first, the arguments go to it as click's Group.parse_args leaves them.
        if args[:1] == ["--version"]:
            from toolkit._version import __version__

            typer.echo(f"khulasa {__version__}")
            ctx.exit(0)
        if args and not args[0].startswith("-"):
            ctx._protected_args, ctx.args = args[:1], args[1:]
            return list(ctx.args)
        return list(super().parse_args(ctx, args))

    def format_options(self, ctx: Any, formatter: Any) -> None:
        rows = [("--version", "Print the version and exit.")]
        rows += [row for param in self.get_params(ctx) if (row := param.get_help_record(ctx))]
        with formatter.section("Options"):
            formatter.write_dl(rows)
        self.format_commands(ctx, formatter)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(dict.fromkeys([*COMMANDS, *self.commands]))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module = COMMANDS.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            import_module(f"toolkit.cli.{module}")
            self._add_registered()
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from difflib import get_close_matches

            close = ", ".join(repr(m) for m in get_close_matches(name, self.list_commands(ctx)))
            ctx.fail(f"No such command {name!r}." + (f" Did you mean {close}?" if close else ""))
        return super().resolve_command(ctx, args)

    def _add_registered(self) -> None:
        mode = app.rich_markup_mode
        for info in app.registered_commands:
            name = info.name or typer.main.get_command_name(getattr(info.callback, "__name__", ""))
            if name in self.commands:
                continue
            command = typer.main.get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=mode
            )
            self.commands[command.name or name] = _plain(command)
        for group_info in app.registered_groups:
            if group_info.name in self.commands:
                continue
            group = typer.main.get_group_from_info(
                group_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                suggest_commands=app.suggest_commands,
                rich_markup_mode=mode,
            )
            if group.name:
                self.commands[group.name] = _plain(group)


app = typer.Typer(
    name="khulasa",
    cls=_LazyGroup,
    help="Arabic news in, grounded bilingual briefings out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich (and markdown-it, pygments) cost ~100 ms of imports on every --help.
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)



@app.callback()
def _root() -> None:  # makes `app` a group; `--version` is `_LazyGroup.parse_args`'s
    """Arabic news in, grounded bilingual briefings out."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and turn `ToolkitError` into one line + hint on stderr.

    Args:
        argv: Arguments without the program name; defaults to `sys.argv[1:]`.

    Returns:
        The process exit code.
    """
    # pydantic scans every installed distribution's entry points for plugins when the first model
    # is built (~15-25 ms of CPU per start, more in big environments). The CLI uses none; set
    # PYDANTIC_DISABLE_PLUGINS= (empty) to keep yours.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        # Without standalone mode click *returns* a command's typer.Exit code instead of raising it.
        rc = app(args=argv, prog_name="khulasa", standalone_mode=False)
    except ToolkitError as exc:
        return _report(exc)
    except RecursionError:  # JSON (or anything) nested deeper than Python's stack: bad input
        return _report(
            InputError(
                "the input is nested too deeply to read (deeper than Python's recursion limit)",
                hint="check the file: khulasa's own JSON never nests like that",
            )
        )
    except BrokenPipeError:  # `khulasa brief x.json | head`: the reader left; say nothing more
        _silence_stdout()
        return 141
    except OSError as exc:  # a write that failed outside the batch writer (full disk, read-only)
        name = f" {exc.filename}" if exc.filename else ""
        code = errno.errorcode.get(exc.errno or 0, "")
        return _report(
            OutputError(
                f"cannot write{name}: {exc.strerror or exc}" + (f" ({code})" if code else ""),
                hint="free space or fix the permissions there, or pass -o elsewhere",
            )
        )
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


def _report(exc: ToolkitError) -> int:
    print(f"error: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(f"hint: {exc.hint}", file=sys.stderr)
    return exc.exit_code


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail loudly.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass
