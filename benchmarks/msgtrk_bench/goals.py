"""Goals (``benchmarks/goals.toml``) and the CI ratchet.

A goal selects values from a run -- case rows (by name pattern and peer), a
scaling series, or a start-up ratio -- and is **met** when every selected
value is at most ``max``.  ``met = true`` in the file is a ratchet: the goal
was met once (with margin, in a full and a ``--quick`` run) and CI must not
let it slip back.  ``--check`` fails when such a goal's worst value exceeds
``max * (1 + noise_margin)`` or can no longer be measured.  Goals not yet
met are reported as NOT MET and never fail CI.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Goal", "GoalResult", "evaluate", "load_goals"]

GOALS_FILE = Path(__file__).resolve().parents[1] / "goals.toml"


@dataclass(frozen=True)
class Goal:
    """One entry of goals.toml."""

    id: str
    kind: str  # "case", "scaling" or "startup"
    max: float
    met: bool
    description: str
    cases: tuple[str, ...] = ()
    peer: str = ""
    series: str = ""
    key: str = ""

    def selects(self, row: dict[str, Any]) -> bool:
        """Whether a case row is judged by this goal."""
        return (
            self.kind == "case"
            and row.get("peer") == self.peer
            and any(fnmatch.fnmatchcase(row["name"], p) for p in self.cases)
        )


@dataclass(frozen=True)
class GoalResult:
    """A goal judged on one run."""

    goal: Goal
    worst: float | None
    values: tuple[tuple[str, float | None], ...]
    margin: float

    @property
    def measured(self) -> bool:
        """Every selected value was measured (and there was at least one)."""
        return bool(self.values) and all(v is not None for _, v in self.values)

    @property
    def met(self) -> bool:
        """Met in this run (no margin)."""
        return self.measured and self.worst is not None and self.worst <= self.goal.max

    @property
    def regressed(self) -> bool:
        """A ratcheted goal (met = true) fell back past max * (1 + margin), or went unmeasured."""
        if not self.goal.met:
            return False
        if not self.measured or self.worst is None:
            return True
        return self.worst > self.goal.max * (1 + self.margin)

    @property
    def verdict(self) -> str:
        """MET / NOT MET / UNMEASURED, and REGRESSED for a broken ratchet."""
        if self.regressed:
            return "REGRESSED"
        if self.met:
            return "MET"
        return "NOT MET" if self.measured else "UNMEASURED"


def load_goals(path: Path = GOALS_FILE) -> tuple[list[Goal], float]:
    """The goals and the noise margin from goals.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    goals = [
        Goal(
            id=g["id"],
            kind=g["kind"],
            max=float(g["max"]),
            met=bool(g.get("met", False)),
            description=g.get("description", ""),
            cases=tuple(g.get("cases", ())),
            peer=g.get("peer", ""),
            series=g.get("series", ""),
            key=g.get("key", ""),
        )
        for g in data.get("goal", [])
    ]
    return goals, float(data.get("noise_margin", 0.0))


def evaluate(goals: list[Goal], margin: float, result: dict[str, Any]) -> list[GoalResult]:
    """Judge every goal on a run's JSON result."""
    out = []
    for goal in goals:
        values: list[tuple[str, float | None]] = []
        if goal.kind == "case":
            values = [(r["name"], r.get("ratio")) for r in result["cases"] if goal.selects(r)]
        elif goal.kind == "scaling":
            values = [
                (s["name"], s.get("ratio")) for s in result["scaling"] if s["name"] == goal.series
            ]
        elif goal.kind == "startup":
            values = [(goal.key, result["import_ms"].get(goal.key))]
        measured = [v for _, v in values if v is not None]
        out.append(GoalResult(goal, max(measured) if measured else None, tuple(values), margin))
    return out
