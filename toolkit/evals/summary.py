"""Summary evaluators: ROUGE and chrF++ (Arabic and English), key-fact recall, numbers, length."""

from __future__ import annotations

from typing import ClassVar

from toolkit.evals.cases import EvalCase
from toolkit.evals.text import (
    article_numbers,
    article_words,
    chrf_pp,
    contains_term,
    count_words,
    fold_for_search,
    number_supported,
    rouge_scores,
    summary_numbers,
)

Scores = dict[str, float | None]

_LANGS = ("ar", "en")


class RougeChrf:
    """rouge1_<lang>, rouge2_<lang>, rougeL_<lang>: ROUGE-N / ROUGE-L F1 of the predicted summary
    against the reference summary, on tokens from `toolkit.evals.text.tokenize` (Arabic folded,
    lower-cased, punctuation dropped, letter and digit runs split; no stemming). chrf_<lang>: chrF++
    (sacrebleu ``CHRF(word_order=2)``, character 6-grams + word 2-grams, β=2) on folded text, / 100.
    lang is ar (summary_ar) or en (summary_en). None when the reference or the prediction has no
    summary in that language (an engine that writes no English gets None, not 0); 0.0 for a failed
    case when the reference has that language."""

    name = "summary"
    directions: ClassVar[dict[str, str | None]] = {
        f"{m}_{lang}": "higher" for lang in _LANGS for m in ("rouge1", "rouge2", "rougeL", "chrf")
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        out: Scores = {}
        refs = {"ar": case.ref.summary_ar, "en": case.ref.summary_en}
        b = case.briefing
        preds = {"ar": b.summary_ar if b else None, "en": b.summary_en if b else None}
        for lang in _LANGS:
            ref, pred = refs[lang], preds[lang]
            keys = [f"{m}_{lang}" for m in ("rouge1", "rouge2", "rougeL", "chrf")]
            if not ref or not ref.strip():
                out.update(dict.fromkeys(keys))
            elif b is None:
                out.update(dict.fromkeys(keys, 0.0))
            elif pred is None or not pred.strip():
                out.update(dict.fromkeys(keys))
            else:
                r = rouge_scores(pred, ref)
                out.update({keys[0]: r["rouge1"], keys[1]: r["rouge2"], keys[2]: r["rougeL"]})
                out[keys[3]] = chrf_pp(pred, ref)
        return out


class KeyFactRecall:
    """key_fact_recall: share of the label's key facts present in the output — a fact counts when any
    of its ``must_include`` terms occurs in summary_ar, summary_en or a key point (text_ar/text_en),
    after Arabic folding, digit normalization and lower-casing (numeric terms must stand alone:
    94 does not count inside 1945). None without key facts (external articles); 0.0 for a failed
    case."""

    name = "key_facts"
    directions: ClassVar[dict[str, str | None]] = {"key_fact_recall": "higher"}

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        facts = case.label.key_facts if case.label else []
        if not facts:
            return {"key_fact_recall": None}
        b = case.briefing
        if b is None:
            return {"key_fact_recall": 0.0}
        parts = [b.summary_ar, b.summary_en or ""]
        parts += [t for k in b.key_points for t in (k.text_ar, k.text_en or "")]
        hay = fold_for_search("\n".join(parts))
        found = sum(any(contains_term(hay, term) for term in f.must_include) for f in facts)
        return {"key_fact_recall": found / len(facts)}


class NumberConsistency:
    """number_consistency: share of the numbers written in summary_ar and summary_en that also occur
    in the article, comparing canonical values (`toolkit.evals.text.extract_numbers`: any digit
    script, ٫ as decimal point, ٬ or 1,234-style commas as thousands separators, % / ٪ ignored).
    A number followed by a scale word (ألف، مليون، مليار, thousand, million, billion) also matches its
    scaled value (400 ألف = 400,000); Arabic number words 3-10 in the article support digits; 1 and 2
    always count (Arabic writes them as singular/dual nouns). A hallucinated or altered figure lowers
    it. None when the summaries contain no numbers or the case failed."""

    name = "numbers"
    directions: ClassVar[dict[str, str | None]] = {"number_consistency": "higher"}

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        b = case.briefing
        if b is None:
            return {"number_consistency": None}
        nums = summary_numbers(b.summary_ar) + summary_numbers(b.summary_en)
        if not nums:
            return {"number_consistency": None}
        source = article_numbers(case.ref.article)  # reference cache: once per article text
        return {"number_consistency": sum(number_supported(n, source) for n in nums) / len(nums)}


class SummaryLength:
    """summary_words_ar / summary_words_en: whitespace words in the summary (None when absent).
    compression_ar: summary_ar words / article words. Descriptive: no better direction."""

    name = "length"
    directions: ClassVar[dict[str, str | None]] = {
        "summary_words_ar": None,
        "summary_words_en": None,
        "compression_ar": None,
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        b = case.briefing
        if b is None:
            return dict.fromkeys(self.directions)
        words_ar = count_words(b.summary_ar)
        n_article = article_words(case.ref.article)  # reference cache: once per article text
        return {
            "summary_words_ar": float(words_ar),
            "summary_words_en": float(count_words(b.summary_en)) if b.summary_en else None,
            "compression_ar": words_ar / n_article if n_article else None,
        }
