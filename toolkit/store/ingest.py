"""Reading what `khulasa store add` is given: batch results JSONL, briefing JSON, folders of them.

Batch results lines hold the briefing but not the article text its offsets index, so the text is
looked up by id in the batch input (`ArticleSource`: a folder of ``<id>.txt`` or a JSONL of
``{"id", "text", "title"?, "date"|"published"?, "url"?}``), which also gives the metadata. A JSONL
file is indexed once by byte offset (ids only in memory), so lookups stay cheap and memory flat.

In one results file the newest line per id wins (as in `toolkit.batch`): a first pass finds each
id's last line, the second adds only those, so adding the same file twice changes nothing.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from toolkit.errors import InputError
from toolkit.schema import Briefing
from toolkit.store.models import AddResult, IngestProblem, IngestReport

if TYPE_CHECKING:
    from toolkit.store.store import ClaimStore


@dataclass(frozen=True)
class SourceArticle:
    """An article text with the metadata its input gave."""

    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None


def _meta(data: dict[str, Any]) -> dict[str, str | None]:
    published = data.get("published") or data.get("date")
    return {
        "title": data.get("title") if isinstance(data.get("title"), str) else None,
        "published": str(published) if published else None,
        "url": data.get("url") if isinstance(data.get("url"), str) else None,
    }


class ArticleSource:
    """Article texts by id from a batch input: a folder of ``.txt`` files or a JSONL file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Index the source (a JSONL is scanned once for ids and byte offsets).

        Raises:
            InputError: The path does not exist.
        """
        self.path = Path(path)
        self._offsets: dict[str, int] | None = None
        if self.path.is_file():
            self._offsets = {}
            with open(self.path, "rb") as fh:
                offset = 0
                for raw in fh:
                    item_id = _line_id(raw)
                    if item_id is not None:
                        self._offsets[item_id] = offset
                    offset += len(raw)
        elif not self.path.is_dir():
            raise InputError(
                f"no such article folder or JSONL: {path}", hint="pass the input you gave to `khulasa batch`"
            )

    def get(self, item_id: str) -> SourceArticle | None:
        """The article of an id, or None when the source has no such id."""
        if self._offsets is None:
            file = self.path / f"{item_id}.txt"
            if not file.is_file():
                return None
            return SourceArticle(file.read_bytes().decode("utf-8"))
        offset = self._offsets.get(item_id)
        if offset is None:
            return None
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            data = json.loads(fh.readline())
        return SourceArticle(data["text"], **_meta(data))


def _line_id(raw: bytes) -> str | None:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if isinstance(data, dict) and isinstance(data.get("id"), str | int) and isinstance(data.get("text"), str):
        return str(data["id"])
    return None


def _files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*") if f.is_file() and f.suffix in (".jsonl", ".json"))
        elif path.is_file():
            yield path
        else:
            raise InputError(
                f"no such file or folder: {path}", hint="pass results JSONL, briefing JSON or folders"
            )


class _Ingest:
    def __init__(
        self, store: ClaimStore, articles: ArticleSource | None, published: str | date | None
    ) -> None:
        self.store = store
        self.articles = articles
        self.published = published
        self.report = IngestReport()

    def problem(self, path: Path, line: int | None, message: str) -> None:
        self.report.problems.append(IngestProblem(path=str(path), line=line, message=message))

    def count(self, result: AddResult) -> None:
        r = self.report
        if result.status == "added":
            r.added += 1
        elif result.status == "replaced":
            r.replaced += 1
        else:
            r.unchanged += 1
        if result.status != "unchanged":
            r.claims += result.claims

    def add(self, path: Path, line: int | None, data: dict[str, Any], sibling: Path | None = None) -> None:
        raw = data.get("briefing", data)
        try:
            briefing = raw if isinstance(raw, Briefing) else Briefing.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            self.problem(path, line, f"not a khulasa briefing ({where}: {first['msg']})")
            return
        sid = str(data["id"]) if "id" in data and "briefing" in data else briefing.source_id
        if not sid:
            self.problem(path, line, "the briefing has no source_id; add one or use a results file")
            return
        article = self._article(sid, data, sibling)
        if article is None:
            where = (
                f"in {self.articles.path}" if self.articles else "(pass --articles INPUT: the batch input)"
            )
            self.problem(path, line, f"no article text for id {sid!r} {where}")
            return
        try:
            result = self.store.add_briefing(
                briefing,
                article.text,
                source_id=sid,
                title=article.title,
                published=article.published or self.published,
                url=article.url,
            )
        except InputError as exc:
            self.problem(path, line, exc.message)
            return
        self.count(result)

    def _article(self, sid: str, data: dict[str, Any], sibling: Path | None) -> SourceArticle | None:
        if isinstance(data.get("text"), str):
            return SourceArticle(data["text"], **_meta(data))
        found = self.articles.get(sid) if self.articles else None
        if found is None and sibling is not None:
            for candidate in (sibling.with_suffix(".txt"), sibling.parent / "article.txt"):
                if candidate.is_file():
                    found = SourceArticle(candidate.read_bytes().decode("utf-8"))
                    break
        if found is not None and not (found.published or found.title or found.url):
            meta = _meta(data)
            found = SourceArticle(found.text, **meta)
        return found

    def jsonl(self, path: Path) -> None:
        last: dict[str, int] = {}
        with open(path, "rb") as fh:  # pass 1: the newest line of each id
            for lineno, raw in enumerate(fh, 1):
                if raw.strip():
                    item_id = _result_id(raw)
                    last[item_id if item_id is not None else f"\0{lineno}"] = lineno
        wanted = set(last.values())
        with open(path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                if lineno in wanted:
                    self.jsonl_line(path, lineno, raw)

    def jsonl_line(self, path: Path, lineno: int, raw: bytes) -> None:
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.problem(
                path, lineno, f"not JSON ({getattr(exc, 'msg', exc)}); a torn line from a killed run?"
            )
            return
        if not isinstance(data, dict):
            self.problem(path, lineno, "not a JSON object")
            return
        if data.get("ok") is False:
            self.report.skipped_failures += 1
            return
        self.add(path, lineno, data)

    def json_file(self, path: Path) -> None:
        try:
            data = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.problem(path, None, f"not JSON ({getattr(exc, 'msg', exc)})")
            return
        if not isinstance(data, dict):
            self.problem(path, None, "not a briefing JSON object")
            return
        self.add(path, None, data, sibling=path)


def _result_id(raw: bytes) -> str | None:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if isinstance(data, dict):
        if "id" in data:
            return str(data["id"])
        if isinstance(data.get("source_id"), str):
            return str(data["source_id"])
    return None


def ingest_paths(
    store: ClaimStore,
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    articles: str | os.PathLike[str] | ArticleSource | None = None,
    published: str | date | None = None,
) -> IngestReport:
    """Add results JSONL, briefing JSON files and folders of them to a store (see `ClaimStore.add_results`).

    Raises:
        InputError: A path does not exist.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    source = articles if isinstance(articles, ArticleSource) or articles is None else ArticleSource(articles)
    run = _Ingest(store, source, published)
    for path in _files(list(paths)):
        if path.suffix == ".jsonl":
            run.jsonl(path)
        else:
            run.json_file(path)
    if run.report.claims >= OPTIMIZE_AFTER:
        store.optimize()  # the planner's statistics must know the new rows (search join order)
    return run.report


OPTIMIZE_AFTER = 5000
"""Claims added by one `add_results` call after which planner statistics are refreshed."""


class OutcomeSink:
    """Adds batch outcomes to a store as they are written (`khulasa batch --store URL`).

    Called with each outcome after its results line is on disk, so the store never holds an article
    the results file lacks; `catch_up` first adds what earlier (perhaps killed) runs wrote. A store
    problem with one article is reported on stderr and the batch goes on: the results file has it,
    and `khulasa store add` can add it later.
    """

    def __init__(self, store: ClaimStore, source: str | os.PathLike[str]) -> None:
        """Bind a store and the batch input the texts come from."""
        self.store = store
        self.articles = ArticleSource(source)
        self.report = IngestReport()
        self._run = _Ingest(store, self.articles, None)
        self._run.report = self.report

    def catch_up(self, results: str | os.PathLike[str]) -> None:
        """Add the results already in the file (idempotent: stored articles stay unchanged)."""
        if Path(results).is_file():
            self._run.jsonl(Path(results))

    def __call__(self, outcome: Any) -> None:
        """Add one outcome (an object with `.id` and `.briefing`; failures are skipped)."""
        if outcome.briefing is None:
            self.report.skipped_failures += 1
            return
        before = len(self.report.problems)
        self._run.add(Path(str(self.articles.path)), None, {"id": outcome.id, "briefing": outcome.briefing})
        for problem in self.report.problems[before:]:
            print(f"khulasa batch: not added to the store: {outcome.id}: {problem.message}", file=sys.stderr)
