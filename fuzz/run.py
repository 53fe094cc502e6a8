#!/usr/bin/env python3
"""Long-run fuzzing of one msgtrk parser with atheris (libFuzzer).

    python fuzz/run.py TARGET [libFuzzer options] [CORPUS_DIR ...]
    python fuzz/run.py --list
    python fuzz/run.py --seeds DIR          # write every target's seeds to DIR/<target>/
    python fuzz/run.py --replay TARGET FILE...   # run saved inputs without atheris
    python fuzz/run.py --campaign TARGET [COUNT [SEED]] [--all]  # seeded run, no atheris
                                                       # (--all: show filed findings too)

The targets are those of ``msgtrk_fuzz.targets`` (the same functions the
bounded CI suite ``tests/fuzz/`` runs).  atheris is imported only here,
only when fuzzing: ``pip install atheris`` (or ``pip install .[fuzz]``).
See fuzz/README.md.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from msgtrk_fuzz import seeds as _seeds
from msgtrk_fuzz.campaign import minimize, run_campaign, run_one
from msgtrk_fuzz.known import is_known
from msgtrk_fuzz.targets import TARGETS, Target


def _decode(target: Target, data: bytes) -> str | bytes:
    """Turn libFuzzer's octets into the target's input.

    For text targets the first octet picks the decoding, so that both
    well-formed text and text with lone surrogates are reached.
    """
    if target.kind == "bytes":
        return data
    if not data:
        return ""
    mode, rest = data[0] % 3, data[1:]
    if mode == 0:
        return rest.decode("utf-8", "replace")
    if mode == 1:
        return rest.decode("latin-1")
    return rest.decode("utf-8", "surrogateescape")


def _write_seeds(out: Path) -> None:
    for target in TARGETS.values():
        folder = out / target.name
        folder.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(_seeds.seeds_for(target.name, target.seed_globs, target.kind)):
            raw = seed if isinstance(seed, bytes) else b"\x00" + seed.encode("utf-8")
            (folder / f"seed-{i:03d}").write_bytes(raw)
        print(f"{folder}: seeds written")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(__doc__)
        return 2
    if argv[1] == "--list":
        for target in TARGETS.values():
            print(f"{target.name:18} [{target.area}] {target.run.__doc__ or ''}".rstrip())
        return 0
    if argv[1] == "--seeds":
        _write_seeds(Path(argv[2]))
        return 0
    if argv[1] == "--replay":
        target = TARGETS[argv[2]]
        for name in argv[3:]:
            target.run(_decode(target, Path(name).read_bytes()))
            print(f"{name}: ok")
        return 0

    if argv[1] == "--campaign":
        target = TARGETS[argv[2]]
        numbers = [a for a in argv[3:] if not a.startswith("--")]
        count = int(numbers[0]) if numbers else 10_000
        seed = int(numbers[1]) if len(numbers) > 1 else 0
        seeds = _seeds.seeds_for(target.name, target.seed_globs, target.kind)

        def explain(key: str, data: str | bytes) -> str | None:
            known = None if "--all" in argv else is_known(target.name, key, data)
            return None if known is None else known.finding

        report = run_campaign(target, seeds, count=count, seed=seed, explain=explain)
        for failure in report.failures.values():
            failure.data = minimize(target, failure.data, failure.signature)
            error = run_one(target, failure.data)
            failure.error = f"{type(error).__name__}: {error}"[:600]
        print(report.describe())
        return 1 if report.failures else 0

    target = TARGETS[argv[1]]
    import atheris  # noqa: PLC0415 - only when actually fuzzing

    for module in ("abnf", "delivery_status", "esmtp", "mtqp", "tracking_status"):
        importlib.import_module(f"msgtrk.{module}")
    atheris.instrument_all()  # coverage feedback for every loaded msgtrk module

    def test_one_input(data: bytes) -> None:
        target.run(_decode(target, data))

    atheris.Setup([argv[0], *argv[2:]], test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
