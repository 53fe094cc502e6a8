"""Start-up (issue 6 §4): import time and the first parse, each in a fresh process.

Each measurement is a new ``python`` subprocess that times, with
``time.process_time`` (CPU time) inside the process (so interpreter start-up, the same
for both, is left out):

- ``import``: ``import msgtrk`` against ``import email.parser``;
- ``first_parse``: after that import, the first parse of a 3-recipient
  tracking-status body -- ``msgtrk.tracking_status.parse(body)`` against
  ``email.message_from_bytes(..., policy=email.policy.default)`` reading every
  field (the policy import is part of email's first parse, as the lazy
  submodule import is part of ours);
- ``first_result`` = import + first parse: what a command-line user waits
  for.  The first-parse goal is judged on this.

The body is read from a file before the clock starts.  Runs of the two
kinds are interleaved and rotated; one unrecorded warm-up run of each fills
the bytecode cache, which lives in a temporary ``PYTHONPYCACHEPREFIX``
(so nothing is written into the tree, and PYTHONDONTWRITEBYTECODE, if set,
does not make every run compile msgtrk from source while the stdlib comes
precompiled); the median of ``runs`` is reported.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from msgtrk_bench import inputs

__all__ = ["profile_first_parse", "run_startup"]

_OURS = """
import json, sys, time
body = open(sys.argv[1], "rb").read()
t0 = time.process_time()
import msgtrk
t1 = time.process_time()
try:
    model = msgtrk.tracking_status.parse(body)
    t2 = time.process_time()
    assert len(model.recipients) == 3, len(model.recipients)
    print(json.dumps({"import": t1 - t0, "parse": t2 - t1}))
except Exception as exc:
    print(json.dumps({"import": t1 - t0, "parse": None, "error": f"{type(exc).__name__}: {exc}"}))
"""

_EMAIL = """
import json, sys, time
body = open(sys.argv[1], "rb").read()
t0 = time.process_time()
import email.parser
t1 = time.process_time()
import email.policy
msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(
    b"Content-Type: message/delivery-status\\r\\n\\r\\n" + body)
fields = [(n, str(v)) for block in msg.get_payload() for n, v in block.items()]
t2 = time.process_time()
assert len(msg.get_payload()) == 4
print(json.dumps({"import": t1 - t0, "parse": t2 - t1}))
"""


def _env(cache: str) -> dict[str, str]:
    """Bytecode caching on, into ``cache``: as after ``pip install`` (which compiles),
    even where PYTHONDONTWRITEBYTECODE is set, and without writing into the tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _run(code: str, path: str, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", code, path], capture_output=True, text=True, check=False, env=env
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(last)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run_startup(runs: int) -> dict[str, Any]:
    """The ``import_ms`` JSON object: medians in ms and the goal ratios."""
    kinds = {"msgtrk": _OURS, "email": _EMAIL}
    samples: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "body.txt")
        Path(path).write_bytes(inputs.tracking_status_body(3))
        env = _env(str(Path(tmp) / "pycache"))
        for code in kinds.values():  # warm-up: fills the bytecode cache
            _run(code, path, env)
        order = list(kinds)
        for r in range(runs):
            for k in range(len(order)):
                name = order[(k + r) % len(order)]
                samples[name].append(_run(kinds[name], path, env))
    out: dict[str, Any] = {"runs": runs}
    for name in kinds:
        runs_ = samples[name]
        entry: dict[str, Any] = {"import_ms": statistics.median(s["import"] * 1000 for s in runs_)}
        errors = [s["error"] for s in runs_ if s.get("parse") is None]
        if errors:
            entry["first_parse_ms"] = None
            entry["first_result_ms"] = None
            entry["status"] = f"unavailable: first parse failed ({errors[0]})"
        else:
            entry["first_parse_ms"] = statistics.median(s["parse"] * 1000 for s in runs_)
            entry["first_result_ms"] = statistics.median(
                (s["import"] + s["parse"]) * 1000 for s in runs_
            )
        out[name] = entry
    ours, theirs = out["msgtrk"], out["email"]
    out["import_ratio"] = ours["import_ms"] / theirs["import_ms"]
    for key in ("first_parse", "first_result"):
        mine = ours[f"{key}_ms"]
        out[f"{key}_ratio"] = None if mine is None else mine / theirs[f"{key}_ms"]
    return out


_PROFILE = """
import cProfile, pstats, sys
body = open(sys.argv[1], "rb").read()
profiler = cProfile.Profile()
profiler.enable()
import msgtrk
msgtrk.tracking_status.parse(body)
profiler.disable()
stats = pstats.Stats(profiler).strip_dirs()
stats.sort_stats("tottime").print_stats(15)
stats.sort_stats("cumulative").print_stats(20)
"""


def profile_first_parse() -> str:
    """cProfile of ``import msgtrk`` + the first parse, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "body.txt")
        Path(path).write_bytes(inputs.tracking_status_body(3))
        env = _env(str(Path(tmp) / "pycache"))
        subprocess.run(  # warm-up: fills the bytecode cache
            [sys.executable, "-c", "import msgtrk.tracking_status"], env=env, check=False
        )
        proc = subprocess.run(
            [sys.executable, "-c", _PROFILE, path],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    head = "Profile of a fresh process: import msgtrk + first tracking_status.parse\n"
    return head + proc.stdout + proc.stderr


if __name__ == "__main__":  # pragma: no cover - manual use
    print(json.dumps(run_startup(3), indent=2))
