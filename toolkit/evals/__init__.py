"""Evaluation: seed datasets, evaluators, runner and reports."""
