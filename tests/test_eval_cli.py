"""`khulasa eval` end to end: gold sanity via --predictions, a run with a failing case, --compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import REPO, seed_refs, seed_suite
from test_eval_metrics import REFERENCE_METRICS

from toolkit.cli import main
from toolkit.drafts import BriefingDraft
from toolkit.engines.base import EngineRequest, EngineResult
from toolkit.errors import OutputValidationError
from toolkit.evals.runner import run_suite
from toolkit.schema import AttemptUsage


def _suite_file(tmp_path: Path) -> Path:
    path = tmp_path / "seeds.toml"
    path.write_text(
        f'name = "t"\n[dataset]\nkind = "seeds"\nseeds = "{REPO / "seeds"}/*"\n', encoding="utf-8"
    )
    return path


def _summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


def test_gold_predictions_rescored_report_one(tmp_path, capsys):
    suite = _suite_file(tmp_path)
    assert main(["eval", str(suite), "--gold", "--run-id", "g", "--reports-dir", str(tmp_path / "r")]) == 0
    run = tmp_path / "r" / "g"
    for name in ("predictions.jsonl", "cases.jsonl", "summary.json", "report.md", "report.html", "run.json"):
        assert (run / name).is_file(), name
    (run / "summary.json").unlink()
    assert main(["eval", "--predictions", str(run)]) == 0
    out = capsys.readouterr().out
    assert "claim_f1" in out
    metrics = _summary(run)["metrics"]
    for m in REFERENCE_METRICS:
        assert metrics[m]["mean"] == pytest.approx(1.0), m
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<details>" in html and "http" not in html.replace("http-equiv", "")


class ScriptedEngine:
    """AUTHORED test engine (not a model): returns each seed's gold claims as a draft, and raises
    OutputValidationError for one chosen article, as an LLM engine does after its last re-ask."""

    name = "scripted"

    def __init__(self, fail_id: str, drop_last_claim: bool = False) -> None:
        self.fail_id = fail_id
        self.drop_last = drop_last_claim
        self.by_article = {r.article: r for r in seed_refs()}

    def run(self, request: EngineRequest) -> EngineResult:
        ref = self.by_article[request.article]
        if ref.id == self.fail_id:
            raise OutputValidationError(
                "still invalid after 2 re-asks",
                attempts=3,
                usage=[{"attempt": 1, "outcome": "invalid", "prompt_tokens": 10}],
            )
        label = ref.label
        assert label is not None
        claims = label.claims[:-1] if self.drop_last and label.claims else label.claims
        draft = BriefingDraft.model_validate(
            {
                "headline_ar": ref.summary_ar[:80],
                "headline_en": label.headline_en,
                "summary_ar": ref.summary_ar[:1000],
                "summary_en": ref.summary_en,
                "claims": [
                    {
                        "speaker_ar": c.speaker.name_ar,
                        "speaker_en": c.speaker.aliases_en[0],
                        "kind": c.kind,
                        "claim_ar": c.evidence.quote[:400],
                        "quote_ar": c.evidence.quote,
                        "conditional": c.conditional,
                    }
                    for c in claims
                ],
                "entities": [],
                "key_points": [],
            }
        )
        return EngineResult(
            draft=draft,
            attempts=[AttemptUsage(attempt=1, outcome="ok", prompt_tokens=100, completion_tokens=50)],
            model="scripted",
        )

    async def arun(self, request: EngineRequest) -> EngineResult:
        return self.run(request)


def test_a_failing_case_is_recorded_and_the_run_continues(tmp_path):
    fail_id = seed_refs()[0].id
    result = run_suite(
        seed_suite(),
        reports_dir=tmp_path,
        run_id="s",
        engine=ScriptedEngine(fail_id),
        log=lambda _m: None,
        cache=False,
    )
    rows = [
        json.loads(x) for x in (tmp_path / "s" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) == len(seed_refs())
    failed = [r for r in rows if r["status"] == "error"]
    assert [r["id"] for r in failed] == [fail_id]
    assert failed[0]["error"]["type"] == "OutputValidationError"
    assert failed[0]["meta"]["attempts"][0]["prompt_tokens"] == 10
    by_id = dict(zip([c.id for c in result.cases], result.scores, strict=True))
    assert by_id[fail_id]["schema_validity"] == 0.0
    ok = [s for cid, s in by_id.items() if cid != fail_id]
    assert all(s["schema_validity"] == 1.0 for s in ok)
    assert result.aggregates["schema_validity"].mean == pytest.approx(1 - 1 / len(rows))
    assert result.aggregates["claim_recall"].mean is not None


def test_compare_flags_a_regression_only_when_asked(tmp_path, capsys):
    fail_id = "none"
    run_suite(
        seed_suite(),
        reports_dir=tmp_path,
        run_id="a",
        engine=ScriptedEngine(fail_id),
        log=lambda _m: None,
        cache=False,
    )
    run_suite(
        seed_suite(),
        reports_dir=tmp_path,
        run_id="b",
        engine=ScriptedEngine(fail_id, drop_last_claim=True),
        cache=False,
        log=lambda _m: None,
    )
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    assert main(["eval", "--compare", a, b]) == 0
    out = capsys.readouterr().out
    assert "claim_recall" in out and "regression" in out
    assert main(["eval", "--compare", a, b, "--fail-on-regression"]) == 1
    assert main(["eval", "--compare", a, a, "--fail-on-regression"]) == 0


def test_missing_suite_is_a_clear_error(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope.toml")]) == 2
    assert "hint:" in capsys.readouterr().err


def test_eval_reads_and_fills_the_response_cache(tmp_path):
    """A second run of the same engine over the same seeds calls no model; errors are not cached."""
    import dataclasses

    from fixtures_openai import Script, briefing, ok, status

    from toolkit.engines.openai_compat import OpenAICompatConfig, OpenAICompatEngine, TransportPolicy

    suite = seed_suite()
    suite = dataclasses.replace(suite, sources=suite.sources[:3])
    n = 3

    def engine(script: Script) -> OpenAICompatEngine:
        policy = TransportPolicy(max_attempts=1, initial_wait=0.0, jitter=0.0, timeout=5.0)
        cfg = OpenAICompatConfig(
            model="fixture",
            base_url="http://fixture.invalid/v1",
            transport=policy,
            async_http_client=script.async_client(),
            max_reasks=0,
        )
        return OpenAICompatEngine(cfg)

    # First run: one case's endpoint fails (not cached), the others answer (cached).
    first = Script([status(400)] + [ok(briefing(claims=[])) for _ in range(n - 1)])
    run_suite(suite, reports_dir=tmp_path, run_id="one", engine=engine(first), log=lambda _m: None)
    assert len(first.requests) == n
    # Second run, same engine settings: only the failed case calls the endpoint again.
    second = Script([ok(briefing(claims=[]))])
    result = run_suite(suite, reports_dir=tmp_path, run_id="two", engine=engine(second), log=lambda _m: None)
    assert len(second.requests) == 1
    cached = [c for c in result.cases if c.briefing is not None and c.briefing.meta.cached]
    assert len(cached) == n - 1


def test_latency_noise_alone_never_fails_the_regression_gate():
    from toolkit.evals.compare import gating_regressions
    from toolkit.evals.stats import paired_bootstrap

    a = {f"s{i}": 0.010 for i in range(12)}
    b = {f"s{i}": 0.011 for i in range(12)}  # 1 ms slower everywhere: the interval excludes zero
    latency = paired_bootstrap("latency_s", "lower", a, b)
    recall = paired_bootstrap("claim_recall", "higher", {k: 1.0 for k in a}, {k: 0.5 for k in a})
    assert latency.verdict == "regression" and recall.verdict == "regression"
    assert gating_regressions([latency]) == []
    assert gating_regressions([latency, recall]) == ["claim_recall"]


def test_shifted_gold_offsets_are_an_error_not_a_score(tmp_path, capsys):
    """Labels are validated as `khulasa seeds check` does before anything is scored (issue 14)."""
    import shutil

    seeds = tmp_path / "seeds"
    seed = REPO / "seeds" / "eastern-ghouta-macron-putin"
    shutil.copytree(seed, seeds / seed.name)
    label_path = seeds / seed.name / "label.json"
    label = json.loads(label_path.read_text(encoding="utf-8"))
    for claim in label["claims"]:  # every gold span shifted by three characters
        claim["evidence"]["start"] += 3
        claim["evidence"]["end"] += 3
    label_path.write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
    suite = tmp_path / "s.toml"
    suite.write_text(f'name = "s"\n[dataset]\nkind = "seeds"\nseeds = "{seeds}/*"\n', encoding="utf-8")
    args = ["eval", str(suite), "--model", "offline", "--run-id", "x", "--reports-dir", str(tmp_path / "r")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "gold labels are inconsistent" in err and "evidence" in err and "seeds check" in err
    assert not (tmp_path / "r" / "x" / "summary.json").exists()
