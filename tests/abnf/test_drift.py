"""The committed generated grammars are exactly what the sources generate.

Regenerates every grammar into a temporary folder from grammar/abnf and
grammar/specs (the repository's, or the installed package data) and
compares: ``.lark`` and ``_patterns.py`` byte for byte; the prebuilt
parser by the ``.lark`` digest and Lark version it records, and by
loading it.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

import lark
import pytest

from msgtrk import _grammars
from msgtrk.abnf._build import bundle, generate

BUNDLE = bundle()
NAMES = [path.stem for path in BUNDLE.spec_paths()]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grammars")
    generate(out, prebuilt=False)
    return out


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("suffix", [".lark", "_patterns.py"])
def test_generated_text_matches(fresh: Path, name: str, suffix: str) -> None:
    committed = (BUNDLE.output / f"{name}{suffix}").read_text(encoding="utf-8")
    regenerated = (fresh / f"{name}{suffix}").read_text(encoding="utf-8")
    assert committed == regenerated, (
        f"{name}{suffix} is stale: run `python -m msgtrk.abnf generate` and commit the result"
    )


@pytest.mark.parametrize("name", NAMES)
def test_prebuilt_parser_matches(name: str) -> None:
    text = (BUNDLE.output / f"{name}.lark").read_text(encoding="utf-8")
    record = pickle.loads((BUNDLE.output / f"{name}.lark.pickle").read_bytes())
    assert record["lark_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert record["lark_version"] == lark.__version__
    parser = lark.Lark.load(io.BytesIO(record["parser"]))
    tables = _grammars._tables(name)
    assert {t.name for t in parser.terminals} == set(tables.TERMINALS)
    assert set(parser.options.start) == set(tables.START.values())


def test_no_stray_generated_files() -> None:
    expected = {f"{n}{s}" for n in NAMES for s in (".lark", "_patterns.py", ".lark.pickle")}
    present = {
        path.name
        for path in BUNDLE.output.iterdir()
        if path.suffix in (".lark", ".pickle") or path.name.endswith("_patterns.py")
    }
    assert present == expected
