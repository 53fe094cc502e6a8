"""Hypothesis strategies for the status models."""

__all__: list[str] = []
