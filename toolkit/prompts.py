"""Load and render the LLM prompts in `prompts/` (Jinja2, `StrictUndefined`).

Templates are data files: a missing variable is an error at render time, and every template is
compiled when the set is loaded, so a syntax error fails fast with the template's name. The prompt
version is a hash of the templates' *source*, so it changes exactly when a prompt file changes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from toolkit.arabic import Sentence
from toolkit.errors import ConfigurationError

_ANGLES_RE = re.compile(r"([<>])(?=[<>])")
_LINE_BREAKS_RE = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]+")
_WORD_JOINER = "\u2060"


def as_data(text: str) -> str:
    """Article text made safe to show inside a prompt's data block (the `data` template filter).

    The block is delimited by lines ``<<<ARTICLE`` and ``ARTICLE>>>`` (``<<<PART_SUMMARIES`` in the
    merge prompt): an invisible word joiner (U+2060) goes between any two adjacent angle brackets, so
    the text can never contain ``<<<`` or ``>>>`` and cannot close the block or open another; line
    breaks inside a sentence become spaces, so the text cannot start a line of its own (a fake
    marker or a fake ``[n]`` sentence). Both are invisible to grounding: folding removes the joiner
    and collapses whitespace, so a quote copied from the prompt still matches the article exactly.

    Args:
        text: One sentence of the article.

    Returns:
        The text to render.
    """
    return _ANGLES_RE.sub(r"\1" + _WORD_JOINER, _LINE_BREAKS_RE.sub(" ", text))


TEMPLATE_NAMES: tuple[str, ...] = ("system.j2", "extract.j2", "merge.j2")
"""Every template an engine may render; all of them are compiled on load and hashed into the version."""


def _prompts_dir() -> Path:
    # In a wheel the templates ship inside the package (toolkit/_prompts); in a source checkout
    # they live at the repository root next to toolkit/.
    here = Path(__file__).resolve().parent
    for candidate in (here / "_prompts", here.parent / "prompts"):
        if (candidate / TEMPLATE_NAMES[0]).is_file():
            return candidate
    raise ConfigurationError(
        f"prompt templates not found next to {here}",
        hint="reinstall khulasa (pip install --force-reinstall khulasa) or run from a full checkout",
    )


@dataclass(frozen=True)
class PromptSet:
    """The compiled templates and their version hash."""

    env: jinja2.Environment
    version: str

    def messages(
        self, sentences: Sequence[Sentence], *, max_claims: int | None = None
    ) -> list[dict[str, str]]:
        """Render the chat messages for one article.

        Args:
            sentences: The article's sentences, shown numbered inside delimiters.
            max_claims: Optional cap on the number of claims asked for.

        Returns:
            OpenAI-format messages: a system message and a user message.
        """
        system = self.env.get_template("system.j2").render(max_claims=max_claims)
        user = self.env.get_template("extract.j2").render(sentences=sentences)
        return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


@lru_cache(maxsize=4)
def load_prompts(directory: str | None = None) -> PromptSet:
    """Load, compile and hash the prompt templates.

    Args:
        directory: Where the templates are; defaults to the shipped ones.

    Returns:
        The compiled `PromptSet`.

    Raises:
        ConfigurationError: A template is missing or does not compile.
    """
    root = Path(directory) if directory else _prompts_dir()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root), encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain-text prompts, not HTML
        keep_trailing_newline=True,
    )
    env.filters["data"] = as_data
    digest = hashlib.sha256()
    for name in TEMPLATE_NAMES:
        path = root / name
        try:
            source = path.read_text(encoding="utf-8")
            env.get_template(name)  # compile now: fail on load, not mid-batch
        except (OSError, jinja2.TemplateError) as exc:
            raise ConfigurationError(
                f"prompt template {path} cannot be loaded: {exc}", hint="fix or restore the template file"
            ) from exc
        digest.update(name.encode("utf-8") + b"\0" + source.encode("utf-8") + b"\0")
    return PromptSet(env=env, version=digest.hexdigest()[:12])
