"""Engines: each produces a `BriefingDraft` behind the small interface in `toolkit.engines.base`."""
