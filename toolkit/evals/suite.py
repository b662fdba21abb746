"""Eval suites (``evals/*.toml``) and the datasets they name: seeds, or external article+summary JSONL.

A suite file::

    name = "offline"                      # default: the file stem
    [dataset]
    kind = "seeds"                        # "seeds" (gold labels) or "external" (reference summaries)
    seeds = "../seeds/*"                  # a glob, or a list of seed folders (relative to this file)
    # path = "../../shared/data/external/ar-news-human-summaries.jsonl"   # kind = "external"
    [engine]
    model = "offline"                     # or a model name, or "local:PATH.gguf"
    base_url = "http://127.0.0.1:8080/v1" # optional
    mode = "tools"                        # optional instructor mode
    concurrency = 4
    max_reasks = 2
    timeout = 120

Relative paths resolve against the suite file's folder.
"""

from __future__ import annotations

import glob
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.evals.cases import Reference
from toolkit.evals.seeds import check_seed, load_seed


@dataclass(frozen=True)
class EngineSpec:
    """Which engine a suite runs and how.

    Attributes:
        model: Model name, ``offline`` or ``local:PATH``.
        base_url: OpenAI-compatible endpoint, if any.
        mode: Instructor mode, if any.
        concurrency: Cases in flight at once.
        max_reasks: Validation re-asks per case.
        timeout: Per-request timeout in seconds.
        max_tokens: Output token budget per call.
    """

    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    concurrency: int = 4
    max_reasks: int = 2
    timeout: float | None = None
    max_tokens: int | None = None


@dataclass(frozen=True)
class Suite:
    """A parsed suite file.

    Attributes:
        name: Suite name (used in run ids).
        kind: ``seeds`` or ``external``.
        sources: Seed folders (kind seeds) or the one JSONL file (kind external), resolved.
        engine: The engine to run.
        redact_text: True for external data: reports hold ids and numbers only, never text.
        path: The suite file, if it came from one.
    """

    name: str
    kind: str
    sources: list[Path]
    engine: EngineSpec = field(default_factory=EngineSpec)
    redact_text: bool = False
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-able description (saved as run.json so a run can be re-scored)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "sources": [str(p) for p in self.sources],
            "engine": self.engine.__dict__,
            "redact_text": self.redact_text,
            "path": str(self.path) if self.path else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Suite:
        """Inverse of `to_json`."""
        return cls(
            name=data["name"],
            kind=data["kind"],
            sources=[Path(p) for p in data["sources"]],
            engine=EngineSpec(**data.get("engine", {})),
            redact_text=bool(data.get("redact_text", False)),
            path=Path(data["path"]) if data.get("path") else None,
        )


def _seed_sources(spec: Any, base: Path) -> list[Path]:
    patterns = [spec] if isinstance(spec, str) else list(spec)
    found: list[Path] = []
    for pat in patterns:
        full = pat if Path(pat).is_absolute() else str(base / pat)
        found.extend(Path(p) for p in sorted(glob.glob(full)) if (Path(p) / "label.json").is_file())
    return sorted(dict.fromkeys(p.resolve() for p in found))


def load_suite(path: str | Path) -> Suite:
    """Read and validate a suite file.

    Args:
        path: The ``.toml`` file.

    Returns:
        The suite, paths resolved.

    Raises:
        InputError: The file is missing, not TOML, or names no data.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no suite file at {p}", hint="pass an evals/*.toml file, e.g. evals/offline.toml")
    try:
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p} is not valid TOML: {exc}", hint="fix the syntax") from exc
    dataset, engine = data.get("dataset", {}), data.get("engine", {})
    kind = dataset.get("kind", "seeds")
    base = p.resolve().parent
    if kind == "seeds":
        sources = _seed_sources(dataset.get("seeds", "../seeds/*"), base)
        if not sources:
            raise InputError(
                f"{p}: dataset.seeds matches no seed folder", hint="check the glob (relative to the file)"
            )
    elif kind == "external":
        if "path" not in dataset:
            raise InputError(
                f"{p}: dataset.path is missing", hint="set the JSONL file of article + summary rows"
            )
        sources = [(base / dataset["path"]).resolve()]
    else:
        raise InputError(f"{p}: unknown dataset.kind {kind!r}", hint="use 'seeds' or 'external'")
    known = set(EngineSpec.__dataclass_fields__)
    unknown = set(engine) - known
    if unknown:
        raise InputError(f"{p}: unknown [engine] keys {sorted(unknown)}", hint=f"use only {sorted(known)}")
    return Suite(
        name=str(data.get("name", p.stem)),
        kind=kind,
        sources=sources,
        engine=EngineSpec(**engine),
        redact_text=bool(dataset.get("redact_text", kind == "external")),
        path=p.resolve(),
    )


def load_external(path: str | Path) -> list[Reference]:
    """Load an article + reference-summary JSONL (XL-Sum/EASC style: ``id``, ``article_ar``, ``summary_ar``).

    Args:
        path: The JSONL file.

    Returns:
        One reference per row, without a label (claim metrics are None for them).

    Raises:
        InputError: The file is missing or a row lacks a field.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(
            f"external dataset not found: {p}",
            hint="it lives outside the repo (../shared/data/external/); the suite runs only where it exists",
        )
    refs: list[Reference] = []
    with open(p, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = [k for k in ("id", "article_ar", "summary_ar") if not row.get(k)]
            if missing:
                raise InputError(
                    f"{p}:{n} lacks {missing}", hint="each row needs id, article_ar and summary_ar"
                )
            refs.append(
                Reference(str(row["id"]), row["article_ar"], None, row["summary_ar"], row.get("summary_en"))
            )
    return refs


def load_references(suite: Suite) -> list[Reference]:
    """Load the references a suite names.

    Args:
        suite: The suite.

    Returns:
        The references, in a stable order.

    Raises:
        InputError: A seed is missing or unreadable, or its label fails `khulasa seeds check`
            (shifted offsets, a quote not in the article...): nothing is scored then.
    """
    if suite.kind == "external":
        return load_external(suite.sources[0])
    refs = []
    problems = []
    for folder in suite.sources:
        seed = load_seed(folder)
        problems += check_seed(seed)  # the labels are validated before anything is scored
        refs.append(
            Reference(seed.id, seed.article, seed.label, seed.label.summary_ar, seed.label.summary_en)
        )
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(
            f"the gold labels are inconsistent, so nothing was scored: {problems[0]}{more}",
            hint="run `khulasa seeds check --root FOLDER` and fix every problem it lists",
        )
    return refs
