"""InputError cases, configuration errors, and the summarize CLI's exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_openai import SEED_ARTICLE_PATH, seed_article

from toolkit import ConfigurationError, InputError, summarize
from toolkit.cli import main
from toolkit.pipeline import check_input, resolve_engine

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("The quick brown fox jumps over the lazy dog.", "no Arabic"),
        ("ماكرون\x00\x01\x02 بوتين" * 3, "binary"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
    ],
)
def test_input_errors_say_what_and_how(text: str | bytes, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        check_input(text)
    assert fragment in info.value.message and info.value.hint


def test_too_long_input_names_the_numbers() -> None:
    with pytest.raises(InputError) as info:
        check_input("كلمة " * 100, max_chars=300)
    assert (
        "500" in info.value.message and "300" in info.value.message and "max-chars" in (info.value.hint or "")
    )


def test_input_is_never_modified() -> None:
    text = "  \u200fقال\u0640 الوزير «نعم».\r\n"
    assert check_input(text) is text
    assert check_input(text.encode("utf-8")) == text


def test_base_url_without_model_is_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("KHULASA_MODEL", "KHULASA_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigurationError) as info:
        resolve_engine(None, "http://127.0.0.1:9/v1")
    assert "KHULASA_MODEL" in (info.value.hint or "")


def test_openai_model_without_key_names_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("KHULASA_MODEL", "KHULASA_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigurationError) as info:
        summarize(seed_article(), model="gpt-4.1-mini")
    hint = info.value.hint or ""
    assert "OPENAI_API_KEY" in hint and "KHULASA_BASE_URL" in hint and "offline" in hint


def test_unknown_mode_is_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_engine(
            "m",
            "http://127.0.0.1:9/v1",
            options=__import__("toolkit.pipeline").pipeline.EngineOptions(mode="xml"),
        )
    assert "tools" in (info.value.hint or "")


def _cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KHULASA_MODEL", "KHULASA_BASE_URL", "OPENAI_API_KEY")
    }
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        input=stdin,
        capture_output=True,
        env={**base, **(env or {})},
        cwd=ROOT,
        timeout=120,
    )


def test_cli_missing_file_one_line_and_hint_no_traceback() -> None:
    proc = _cli("summarize", "no/such/article.txt")
    err = proc.stderr.decode()
    assert proc.returncode == InputError.exit_code
    assert err.startswith("error: no such file: no/such/article.txt") and "hint:" in err
    assert "Traceback" not in err


def test_cli_not_arabic_from_stdin() -> None:
    proc = _cli("summarize", "-", stdin=b"hello world, this is English")
    assert proc.returncode == InputError.exit_code and "no Arabic" in proc.stderr.decode()


def test_cli_configuration_error_exit_code() -> None:
    proc = _cli("summarize", str(SEED_ARTICLE_PATH), "--model", "gpt-4.1-mini")
    assert proc.returncode == ConfigurationError.exit_code
    assert "OPENAI_API_KEY" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


def test_cli_unreachable_endpoint_is_llm_error() -> None:
    proc = _cli(
        "summarize",
        str(SEED_ARTICLE_PATH),
        "--model",
        "m",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--timeout",
        "2",
    )
    err = proc.stderr.decode()
    assert proc.returncode == 4, err
    assert err.startswith("error: 127.0.0.1:9 failed after") and "hint:" in err and "Traceback" not in err


def test_cli_bad_option_is_usage_error() -> None:
    assert main(["summarize", str(SEED_ARTICLE_PATH), "--format", "xml"]) == 2


def test_cli_folder_instead_of_file_says_so_and_points_to_batch() -> None:
    proc = _cli("summarize", "seeds")
    err = proc.stderr.decode()
    assert proc.returncode == InputError.exit_code
    assert err.startswith("error: seeds is a folder") and "khulasa batch" in err and "Traceback" not in err


def test_cli_output_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    out = tmp_path / "briefing.json"
    old = os.umask(0o022)
    try:
        assert main(["summarize", str(SEED_ARTICLE_PATH), "--model", "offline", "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_cli_max_chars_named_by_the_too_long_hint_exists(tmp_path: Path) -> None:
    article = tmp_path / "long.txt"
    article.write_text(seed_article() * 3, encoding="utf-8")
    limit = len(seed_article()) * 2
    proc = _cli("summarize", str(article), "--model", "offline", "--max-chars", str(limit))
    err = proc.stderr.decode()
    assert proc.returncode == InputError.exit_code and "over the limit" in err and "--max-chars" in err
    raised = main(["summarize", str(article), "--model", "offline", "--max-chars", str(limit * 2)])
    assert raised == 0


def test_cli_chunk_chars_reaches_the_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    args = ["summarize", str(SEED_ARTICLE_PATH), "--model", "offline", "--chunk-chars", "800", "-o", str(out)]
    assert main(args) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["meta"]["chunks"] > 1
