"""Hypothesis strategies for the mtqp models."""

__all__: list[str] = []
