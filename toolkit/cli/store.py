"""`khulasa store ...`: the claim store across articles (thin wrappers over `toolkit.store`).

Every query prints a table on a terminal and JSON with `--json`; each row has its article id, date
and the grounded evidence span (start:end and the text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from toolkit.cli import app

if TYPE_CHECKING:
    from toolkit.store import ClaimRow, ClaimStore

store_app = typer.Typer(
    name="store",
    help=(
        "Claims across articles: who said what, over time. The store is a SQLite file in the user "
        "data directory by default (Linux: ~/.local/share/khulasa/store.sqlite3; `khulasa store info` "
        "prints it), or any --store URL: sqlite:///PATH or postgresql://user:pass@host/db "
        "(env KHULASA_STORE)."
    ),
    no_args_is_help=True,
)
app.add_typer(store_app, name="store")

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        "-s",
        metavar="URL",
        help="Store URL: sqlite:///PATH, a file path, or postgresql://... Env: KHULASA_STORE. "
        "Default: store.sqlite3 in the user data directory.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON for machines instead of a table.")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", metavar="N", help="Most rows shown.")]
KindOpt = Annotated[
    str | None, typer.Option("--kind", "-k", metavar="KIND", help="Only this kind (statement, denial, ...).")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="From this date (YYYY-MM-DD, inclusive).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Up to this date (YYYY-MM-DD, inclusive).")
]


def _open(url: str | None) -> ClaimStore:
    from toolkit.store import ClaimStore

    return ClaimStore.open(url)


def _echo_json(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _evidence(row: ClaimRow) -> str:
    return f"[{row.evidence.start}:{row.evidence.end}] {row.evidence.text}"


def _who(row: ClaimRow) -> str:
    # An unresolved speaker is shown as such, never by the candidate words the briefing kept.
    if row.speaker:
        return row.speaker
    if row.speaker_rule == "ambiguous-surname":
        return f"unfiled (ambiguous surname) {row.speaker_as_written}"
    return "speaker unresolved"


def _where(row: ClaimRow) -> str:
    return f"{row.published or 'undated'} {row.source_id} · {_who(row)}"


def _claims_table(rows: list[ClaimRow], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    for column in ("date", "article", "speaker", "kind", "evidence (start:end)"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.published or "undated", row.source_id, _who(row), row.kind, _evidence(row))
    Console().print(table)


def _show_claims(rows: list[ClaimRow], as_json: bool, title: str, next_cursor: str | None = None) -> None:
    if as_json:
        _echo_json({"items": [r.model_dump(mode="json") for r in rows], "next_cursor": next_cursor})
        return
    if not rows:
        typer.echo(f"{title}: no claims", err=True)
        return
    _claims_table(rows, title)
    if next_cursor:
        typer.echo("more rows: raise --limit", err=True)


@store_app.command("add")
def add(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="RESULTS...", help="Batch results JSONL, briefing JSON, or folders of them."),
    ],
    articles: Annotated[
        str | None,
        typer.Option(
            "--articles",
            "-a",
            metavar="PATH",
            help="The batch input (folder of .txt or JSONL): article texts and dates by id.",
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="Publication date for articles that have none (YYYY-MM-DD)."
        ),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add results to the store (idempotent: adding the same results again changes nothing)."""
    with _open(store) as s:
        report = s.add_results(paths, articles=articles, published=date)
        label = s.label
    if as_json:
        _echo_json(report.model_dump(mode="json"))
    else:
        for p in report.problems:
            where = f"{p.path}:{p.line}" if p.line else p.path
            typer.echo(f"skipped {where}: {p.message}", err=True)
        typer.echo(f"{report.summary()} into {label}")
    if report.problems:
        raise typer.Exit(1)


@store_app.command("who")
def who(
    name: Annotated[
        str, typer.Argument(metavar="SPEAKER", help="A speaker: name in Arabic or English, or an id.")
    ],
    about: Annotated[
        str | None, typer.Option("--about", metavar="WORDS", help="Only claims matching this search.")
    ] = None,
    kind: KindOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A speaker's claims in time order."""
    with _open(store) as s:
        ids = s.find_speakers(name)
        if len(ids) > 1 and not as_json:
            names = ", ".join(f"{d.name} ({d.speaker_id})" for d in (s.speaker(i) for i in ids) if d)
            typer.echo(f"{name!r} matches {len(ids)} speakers: {names}", err=True)
        page = s.claims(speaker=name, about=about, kind=kind, since=since, until=until, limit=limit)
    _show_claims(page.items, as_json, f"who: {name}", page.next_cursor)


@store_app.command("about")
def about(
    term: Annotated[
        str, typer.Argument(metavar="WORDS", help="Words to find (folded: «الأزمة» finds «الازمه»).")
    ],
    kind: KindOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Claims whose evidence, claim text or named entities match every word, in time order."""
    with _open(store) as s:
        page = s.claims(about=term, kind=kind, since=since, until=until, limit=limit)
    _show_claims(page.items, as_json, f"about: {term}", page.next_cursor)


@store_app.command("timeline")
def timeline(
    name: Annotated[str, typer.Argument(metavar="SPEAKER", help="A speaker: name or id.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A speaker's claims per ISO week, by kind."""
    with _open(store) as s:
        rows = s.timeline(name)
    if as_json:
        _echo_json([r.model_dump(mode="json") for r in rows])
        return
    if not rows:
        typer.echo(f"timeline: no claims for {name!r}", err=True)
        return
    from rich.console import Console
    from rich.table import Table

    weeks = sorted({r.week for r in rows})
    kinds = sorted({r.kind for r in rows})
    counts = {(r.week, r.kind): r.claims for r in rows}
    table = Table(title=f"timeline: {name}")
    table.add_column("week")
    for k in kinds:
        table.add_column(k, justify="right")
    for w in weeks:
        table.add_row(w, *(str(counts.get((w, k), "")) for k in kinds))
    Console().print(table)


@store_app.command("conflicts")
def conflicts(
    speaker: Annotated[
        str | None, typer.Option("--speaker", metavar="SPEAKER", help="Only pairs with this speaker.")
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option("--rule", metavar="[quantity|denial|stance]", help="quantity, denial or stance."),
    ] = None,
    limit: LimitOpt = 50,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Candidate pairs of claims that may contradict each other (for a person to judge)."""
    with _open(store) as s:
        pairs = s.conflicts(speaker=speaker, rule=rule, limit=limit)
    if as_json:
        _echo_json([p.model_dump(mode="json") for p in pairs])
        return
    if not pairs:
        typer.echo("conflicts: no candidate pairs", err=True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="conflict candidates (not verdicts)", show_lines=True)
    for column in ("rule", "why", "earlier claim", "later claim"):
        table.add_column(column, overflow="fold")
    for p in pairs:
        cells = [f"{_where(c)}\n{_evidence(c)}" for c in (p.a, p.b)]
        table.add_row(p.rule, f"{p.reason}\ntopic: {', '.join(p.topic)}", *cells)
    Console().print(table)


@store_app.command("speakers")
def speakers(
    limit: LimitOpt = 100,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Store speakers with claim counts and every form of their name."""
    with _open(store) as s:
        rows = s.speakers(limit=limit)
    if as_json:
        _echo_json([r.model_dump(mode="json") for r in rows])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="speakers")
    for column in ("id", "name", "claims", "articles", "first", "last", "aliases"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r.speaker_id,
            r.name,
            str(r.claims),
            str(r.articles),
            r.first or "",
            r.last or "",
            " · ".join(r.aliases),
        )
    Console().print(table)


@store_app.command("merge")
def merge(
    a: Annotated[str, typer.Argument(metavar="A", help="The speaker to keep (id or name).")],
    b: Annotated[
        str, typer.Argument(metavar="B", help="A speaker id to fold into A, or a name to file under A.")
    ],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """File B under A for good (kept across re-ingest)."""
    with _open(store) as s:
        detail = s.merge(a, b)
    if as_json:
        _echo_json(detail.model_dump(mode="json"))
    else:
        aliases = ", ".join(detail.aliases)
        typer.echo(f"merged into {detail.speaker_id} {detail.name}: {detail.claims} claims; {aliases}")


@store_app.command("split")
def split(
    speaker: Annotated[
        str, typer.Argument(metavar="SPEAKER", help="The speaker that holds two people (id or name).")
    ],
    names: Annotated[
        list[str], typer.Argument(metavar="NAME...", help="The names that belong to the other person.")
    ],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move the claims filed under some names to a new speaker, for good (kept across re-ingest)."""
    with _open(store) as s:
        detail = s.split(speaker, names)
    if as_json:
        _echo_json(detail.model_dump(mode="json"))
    else:
        typer.echo(f"split off {detail.speaker_id} {detail.name}: {detail.claims} claims")


@store_app.command("info")
def info(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Where the store is and what it holds."""
    with _open(store) as s:
        stats = {"store": s.label, **s.stats()}
    if as_json:
        _echo_json(stats)
        return
    for key, value in stats.items():
        typer.echo(f"{key}: {value}")
