"""ROUGE, chrF++ and numbers: Arabic is kept, and our scores agree with the reference implementations."""

from __future__ import annotations

import json
import warnings

import pytest
from eval_helpers import EXTERNAL

from toolkit.arabic import fold_text, split_sentences
from toolkit.evals.text import (
    chrf_pp,
    extract_numbers,
    lcs_length,
    rouge_l,
    rouge_n,
    rouge_scores,
    source_numbers,
    summary_numbers,
    tokenize,
)

AR = "قال الرئيس الفرنسي إيمانويل ماكرون إن ٣٥ شخصاً قُتلوا في الغوطة الشرقية، ودعا إلى هدنة فورية."
AR_OTHER = "أعلن الكرملين أن الرئيس الروسي بحث مع نظيره الفرنسي الوضع في سوريا."


def test_tokenizer_keeps_arabic_and_folds_it():
    tokens = tokenize(AR)
    assert "ماكرون" in tokens and "35" in tokens and "قتلوا" in tokens  # diacritics folded away
    assert all(t.strip("،.") == t for t in tokens)  # punctuation dropped
    assert tokenize("أحمد") == tokenize("احمد")


def test_identical_arabic_scores_one():
    scores = rouge_scores(AR, AR)
    assert scores == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert chrf_pp(AR, AR) == pytest.approx(1.0)
    assert 0.0 < rouge_scores(AR, AR_OTHER)["rouge1"] < 1.0


def test_stock_rouge_score_tokenizer_drops_arabic():
    """Why we tokenize ourselves: Google's rouge-score keeps [a-z0-9] only, so Arabic scores 0."""
    rouge_scorer = pytest.importorskip(
        "rouge_score.rouge_scorer", reason="needs the crosscheck extra: pip install -e '.[crosscheck]'"
    )
    stock = rouge_scorer.RougeScorer(["rouge1", "rougeL"]).score(AR, AR)
    assert stock["rouge1"].fmeasure == 0.0  # identical strings, zero: the tokenizer emptied them
    assert rouge_scores(AR, AR)["rouge1"] == 1.0


def test_rouge_hand_computed():
    pred, ref = ["a", "b", "c", "d"], ["a", "c", "b", "e", "f"]
    # unigrams: overlap 3, P 3/4, R 3/5 -> F 2*.75*.6/1.35
    assert rouge_n(pred, ref, 1) == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert rouge_n(pred, ref, 2) == 0.0  # bigrams ab, bc, cd vs ac, cb, be, ef
    assert lcs_length(pred, ref) == 2
    assert rouge_l(pred, ref) == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert rouge_n([], ref, 1) == 0.0


def test_chrf_equals_sacrebleu_on_the_same_pairs():
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=2)
    pairs = [
        (AR, AR_OTHER),
        (AR_OTHER, AR),
        ("The minister denied the report.", "The minister rejected reports."),
    ]
    for hyp, ref in pairs:
        expected = metric.sentence_score(fold_text(hyp), [fold_text(ref)]).score / 100
        assert chrf_pp(hyp, ref) == pytest.approx(expected, abs=1e-12)


def test_numbers_across_scripts_and_separators():
    assert extract_numbers("٣٫٥٪ و2,500 و٢٬٥٠٠ و61% و١٢٠") == ["3.5", "2500", "2500", "61", "120"]
    src = source_numbers("ساعدت نحو 400 ألف شخص، و١٢٠ مليون دينار، وفاز بثلاثة أهداف")
    assert {"400", "400000", "120", "120000000", "3"} <= src
    assert summary_numbers("about 400,000 people and 120 million dinars") == [
        ("400000", None),
        ("120", "120000000"),
    ]


def _external_rows():
    if not EXTERNAL.is_file():
        pytest.skip(f"external dataset not present at {EXTERNAL}")
    with open(EXTERNAL, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


#: Our ROUGE vs multilingual_rouge on the same folded text: they must agree to float precision.
TOLERANCE = 1e-9


def test_rouge_agrees_with_multilingual_rouge_on_external_pairs():
    """XL-Sum's scorer (multilingual-rouge, lang='arabic', no stemmer) on 40 real pairs: lead-3 vs
    the human reference. Both scorers get the same folded text, so any difference is tokenization or
    arithmetic. Unfolded input to their scorer differs only by our folding (printed for the README)."""
    rows = _external_rows()
    ms = pytest.importorskip(
        "multilingual_rouge.rouge_scorer", reason="needs the crosscheck extra: pip install -e '.[crosscheck]'"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scorer = ms.RougeScorer(["rouge1", "rouge2", "rougeL"], lang="arabic")
        max_diff, max_raw = 0.0, 0.0
        for row in rows:
            article = row["article_ar"]
            lead3 = " ".join(article[s.start : s.end] for s in split_sentences(article)[:3])
            ours = rouge_scores(lead3, row["summary_ar"])
            theirs = scorer.score(fold_text(row["summary_ar"]), fold_text(lead3))
            raw = scorer.score(row["summary_ar"], lead3)
            for key in ("rouge1", "rouge2", "rougeL"):
                max_diff = max(max_diff, abs(ours[key] - theirs[key].fmeasure))
                max_raw = max(max_raw, abs(ours[key] - raw[key].fmeasure))
    print(
        f"\nmultilingual_rouge vs ours on {len(rows)} pairs: max |diff| folded input {max_diff:.2e}, "
        f"unfolded input {max_raw:.4f}"
    )
    assert len(rows) == 40
    assert max_diff <= TOLERANCE
    assert max_raw < 0.01  # folding changes a few tokens, never the picture


def test_fast_lcs_equals_the_reference_dp():
    from toolkit.evals.text import _lcs_fast

    rows = [
        (tokenize(AR), tokenize(AR_OTHER)),
        (["a", "b", "c", "d"], ["a", "c", "b", "e", "f"]),
        ([], ["a"]),
    ]
    for a, b in rows:
        assert _lcs_fast(a, b) == lcs_length(a, b)
