"""Readable output: an English Markdown briefing and a self-contained RTL HTML review page."""

from toolkit.render.html import render_review
from toolkit.render.markdown import render_briefing

__all__ = ["render_briefing", "render_review"]
