"""``python benchmarks/run.py [--quick] [--json FILE] [--check] [--profile CASE]``."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msgtrk_bench.cases import CASES, STREAM_VALUES, Case, Spec, profile_target
from msgtrk_bench.goals import GOALS_FILE, Goal, GoalResult, evaluate, load_goals
from msgtrk_bench.peers import Unavailable
from msgtrk_bench.scaling import run_scaling
from msgtrk_bench.startup import profile_first_parse, run_startup
from msgtrk_bench.timing import Measured, Settings, measure

__all__ = ["main"]


@dataclass(frozen=True)
class Mode:
    """How much to measure."""

    name: str
    cases: Settings
    scaling: Settings
    recipients: list[int]
    chars: list[int]
    startup_runs: int
    stdlib_memory: bool


MODES = {
    "full": Mode(
        "full",
        Settings(rounds=61, target_s=0.01),
        Settings(rounds=15, target_s=0.02),
        [1, 10, 100, 1000, 10000],
        [10, 100, 1000, 10000, 100000],
        21,
        True,
    ),
    "quick": Mode(
        "quick",
        Settings(rounds=11, target_s=0.003),
        Settings(rounds=5, target_s=0.005),
        [1, 10, 100, 1000, 10000],
        [10, 100, 1000, 10000, 100000],
        7,
        False,
    ),
    # For tests/benchmarks: checks the plumbing, not the speed.
    "smoke": Mode(
        "smoke",
        Settings(rounds=1, target_s=0.0001, max_loops=3),
        Settings(rounds=1, target_s=0.0001, max_loops=1),
        [1, 3],
        [10, 50],
        1,
        False,
    ),
}


def _row(
    case: Case,
    peer: str | None,
    status: str = "ok",
    *,
    spec: Spec | None = None,
    ours: Measured | None = None,
    peer_us: float | None = None,
) -> dict[str, Any]:
    per = spec.per if spec else 1
    ours_us = ours.median_us / per if ours else None
    ratio = ours_us / peer_us if ours_us is not None and peer_us else None
    return {
        "name": case.name,
        "group": case.group,
        "ours_us": ours_us,
        "peer": peer,
        "peer_us": peer_us,
        "ratio": ratio,
        "n": ours.rounds if ours else 0,
        "loops": ours.loops if ours else 0,
        "unit": spec.unit if spec else "call",
        "status": status,
        "note": spec.note if spec else "",
        "ours_spread": _spread(ours.samples_us) if ours else None,
    }


def _spread(samples: tuple[float, ...]) -> float | None:
    """Interquartile range over the median: how noisy the samples were."""
    if len(samples) < 4:
        return None
    q1, _, q3 = statistics.quantiles(samples, n=4)
    return (q3 - q1) / statistics.median(samples)


def _first_call(fn: Callable[[], object]) -> tuple[object, str | None]:
    try:
        return fn(), None
    except Exception as exc:
        text = " ".join(str(exc).split())
        return None, f"{type(exc).__name__}: {text[:200]}"


def run_case(case: Case, settings: Settings) -> list[dict[str, Any]]:
    """Measure one case; never raises (a broken case becomes an explained row)."""
    try:
        spec: Spec = case.build()
    except Unavailable as exc:
        return [_row(case, None, f"unavailable: {exc}")]
    except Exception as exc:
        text = " ".join(str(exc).split())[:200]
        return [_row(case, None, f"error: set-up raised {type(exc).__name__}: {text}")]
    result, error = _first_call(spec.ours)
    if error is None and spec.check is not None:
        error = spec.check(result)
        if error is not None:
            error = f"wrong result: {error}"
    if error is not None:
        peers: list[str | None] = [*spec.peers] or [None]
        return [_row(case, p, f"error: msgtrk {error}", spec=spec) for p in peers]
    peer_labels: list[str] = []
    peer_fns: list[Callable[[], object]] = []
    rows_unavailable: dict[str, str] = {}
    for label, fn in spec.peers.items():
        if isinstance(fn, Unavailable):
            rows_unavailable[label] = f"unavailable: {fn}"
            continue
        _, peer_error = _first_call(fn)
        if peer_error is not None:
            rows_unavailable[label] = f"unavailable: peer raised {peer_error}"
            continue
        peer_labels.append(label)
        peer_fns.append(fn)
    measured = measure([spec.ours, *peer_fns], settings)
    ours = measured[0]
    rows = []
    for label in spec.peers:
        if label in rows_unavailable:
            rows.append(_row(case, label, rows_unavailable[label], spec=spec, ours=ours))
            continue
        peer_us = measured[1 + peer_labels.index(label)].median_us / spec.per
        rows.append(_row(case, label, spec=spec, ours=ours, peer_us=peer_us))
    if not spec.peers:
        rows.append(_row(case, None, spec=spec, ours=ours))
    return rows


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value < 0.01:
        return f"{value:.2g}"
    if value < 1:
        return f"{value:.{digits + 1}f}"
    return f"{value:.{digits}f}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join(lines)


def _goal_for(row: dict[str, Any], goals: list[Goal]) -> Goal | None:
    return next((g for g in goals if g.selects(row)), None)


def render(result: dict[str, Any], judged: list[GoalResult], goals: list[Goal]) -> str:
    """The printed report: cases table, scaling, start-up, goals."""
    out = []
    rows = []
    notes = []
    for r in result["cases"]:
        goal = _goal_for(r, goals)
        met = ""
        if goal is not None and r["ratio"] is not None:
            met = "yes" if r["ratio"] <= goal.max else "NO"
        name = r["name"] if r["unit"] == "call" else f"{r['name']} [{r['unit']}]"
        peer = r["peer"] or "-"
        if r["status"] != "ok":
            reason = r["status"].split(" (", 1)[0]
            peer = f"{peer}: {reason[:60]}" if r["peer"] else reason[:70]
        rows.append(
            [
                name,
                _fmt(r["ours_us"]),
                peer,
                _fmt(r["peer_us"]),
                _fmt(r["ratio"], 2),
                f"<= {goal.max:g}" if goal else "",
                met,
            ]
        )
        if r["status"] != "ok":
            notes.append(f"- {r['name']} / {r['peer'] or '-'}: {r['status']}")
        elif r["note"]:
            note = r["note"]
            if r["unit"] == "event" and r["ours_us"]:
                note += f"; {1e6 / r['ours_us']:,.0f} events/s"
            if f"- {r['name']}: {note}" not in notes:
                notes.append(f"- {r['name']}: {note}")
    out.append(_table(["case", "ours µs", "peer", "peer µs", "ratio", "goal", "met?"], rows))
    if notes:
        out.append("\nNotes:\n" + "\n".join(notes))
    out.append(
        "\nScaling (marginal cost per unit above the smallest size, µs; "
        "[bracketed]: not judged, the units add less time than the fixed body costs):"
    )
    srows = []
    for s in result["scaling"]:
        if s["status"] != "ok":
            srows.append([s["name"], s["status"], "", ""])
            continue
        sizes = " ".join(
            f"{n}:{_fmt(p, 2)}" if n in s["judged_sizes"] else f"{n}:[{_fmt(p, 2)}]"
            for n, p in zip(s["sizes"][1:], s["per_unit_us"][1:], strict=True)
        )
        raw = " ".join(
            f"{n}:{_fmt(p, 2)}" for n, p in zip(s["sizes"], s["raw_per_unit_us"], strict=True)
        )
        srows.append([f"{s['name']} (per {s['unit']})", sizes, raw, _fmt(s["ratio"], 2)])
    out.append(_table(["series", "marginal per unit", "raw t(n)/n", "max/min"], srows))
    for s in result["scaling"]:
        mem = s.get("peak_memory")
        if mem:
            line = (
                f"Peak memory, {mem['recipients']}-recipient body ({mem['body_bytes']:,} bytes): "
                f"msgtrk {mem['msgtrk_peak_bytes'] or 0:,} bytes"
            )
            if "email_policy_default_peak_bytes" in mem:
                line += f", email policy.default {mem['email_policy_default_peak_bytes']:,} bytes"
            out.append(line)
            gc_info = mem.get("collector", {})
            if "call_ms" in gc_info:
                out.append(
                    f"Cyclic GC during one parse of that body: {gc_info['collector_ms']:.0f} ms "
                    f"of {gc_info['call_ms']:.0f} ms, collections per generation "
                    f"{gc_info['collections_per_generation']}"
                )
    st = result["import_ms"]
    out.append(f"\nStart-up (fresh processes, median of {st['runs']}; ms):")
    st_rows = []
    for key, label in (
        ("import_ms", "import"),
        ("first_parse_ms", "first parse (after import)"),
        ("first_result_ms", "import + first parse"),
    ):
        ratio = st.get(key.replace("_ms", "_ratio"))
        st_rows.append(
            [label, _fmt(st["msgtrk"].get(key), 2), _fmt(st["email"].get(key), 2), _fmt(ratio, 2)]
        )
    out.append(_table(["", "msgtrk", "email", "ratio"], st_rows))
    if "status" in st["msgtrk"]:
        out.append(f"- msgtrk: {st['msgtrk']['status']}")
    out.append("\nGoals (benchmarks/goals.toml):")
    g_rows = []
    for j in judged:
        worst = "-" if j.worst is None else f"{j.worst:.3g}"
        g_rows.append(
            [j.goal.id, j.goal.description, worst, j.verdict, "yes" if j.goal.met else ""]
        )
    out.append(_table(["goal", "target", "worst", "verdict", "ratchet"], g_rows))
    return "\n".join(out)


def _machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "machine": platform.machine(),
        "cpu": cpu or platform.processor(),
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def profile(name: str, seconds: float) -> str:
    """cProfile summary of our side of a case."""
    case, fn = profile_target(name)
    fn()
    profiler = cProfile.Profile()
    calls = 0
    deadline = time.perf_counter() + seconds
    profiler.enable()
    while time.perf_counter() < deadline:
        fn()
        calls += 1
    profiler.disable()
    buf = io.StringIO()
    buf.write(f"Profile of msgtrk in case {case.name!r}: {calls} calls\n")
    stats = pstats.Stats(profiler, stream=buf)
    stats.strip_dirs().sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(25)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; exit 1 when ``--check`` finds a ratcheted goal regressed."""
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short run (CI)")
    parser.add_argument("--smoke", action="store_true", help="minimal run (tests only)")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.add_argument("--check", action="store_true", help="fail on a regressed met goal")
    parser.add_argument(
        "--profile",
        metavar="CASE",
        help="cProfile our side of CASE (a name or part of one; 'first-parse': a fresh process)",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="profiling time (s)")
    parser.add_argument("--only", metavar="TEXT", help="only the cases whose name contains TEXT")
    parser.add_argument("--goals", metavar="FILE", default=str(GOALS_FILE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.profile:
        if args.profile in {"first-parse", "startup"}:
            print(profile_first_parse())
        else:
            print(profile(args.profile, args.seconds))
        return 0
    mode = MODES["smoke" if args.smoke else "quick" if args.quick else "full"]
    if mode.name == "smoke":
        STREAM_VALUES[0] = 32
    goals, margin = load_goals(Path(args.goals))
    started = time.perf_counter()
    cases = [c for c in CASES if not args.only or args.only.lower() in c.name.lower()]
    rows: list[dict[str, Any]] = []
    for case in cases:
        rows.extend(run_case(case, mode.cases))
    scaling = [
        s.as_json()
        for s in run_scaling(
            mode.recipients, mode.chars, mode.scaling, stdlib_memory=mode.stdlib_memory
        )
    ]
    startup = run_startup(mode.startup_runs)
    result: dict[str, Any] = {
        "cases": rows,
        "scaling": scaling,
        "import_ms": startup,
        "mode": mode.name,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "seconds": round(time.perf_counter() - started, 1),
        "noise_margin": margin,
    }
    judged = evaluate(goals, margin, result)
    result["goals"] = [
        {"id": j.goal.id, "max": j.goal.max, "worst": j.worst, "verdict": j.verdict} for j in judged
    ]
    m = result["machine"]
    print(
        f"msgtrk benchmarks, {mode.name} run, {result['date']}; {m['machine']}, {m['cpu']} "
        f"({m['cpus']} CPUs), {m['implementation']} {m['python']}; ratio = ours / peer\n"
    )
    print(render(result, judged, goals))
    print(f"\n({result['seconds']} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.check:
        regressed = [j for j in judged if j.regressed]
        for j in regressed:
            print(
                f"CHECK FAILED: goal {j.goal.id} was met (ratchet) and is now "
                f"{'unmeasured' if j.worst is None else f'{j.worst:.3g}'} > "
                f"{j.goal.max:g} x {1 + margin:g}",
                file=sys.stderr,
            )
        return 1 if regressed else 0
    return 0
