"""Hypothesis strategies for the esmtp models."""

__all__: list[str] = []
