"""The bundled ABNF sources: every rule carries its RFC section, every spec
compiles, and ``python -m msgtrk.abnf --check`` finds no undefined rule."""

from __future__ import annotations

import re

import pytest

from msgtrk.abnf.__main__ import main
from msgtrk.abnf._build import bundle
from msgtrk.abnf._reader import read_rules

BUNDLE = bundle()
FILES = sorted(BUNDLE.abnf.glob("*.abnf"))


def test_sources_are_bundled() -> None:
    names = {path.name for path in FILES}
    assert {"core.abnf", "rfc5322.abnf", "rfc5321.abnf", "rfc3464.abnf", "rfc3886.abnf"} <= names
    assert {"rfc3887.abnf", "rfc3885.abnf", "rfc3461.abnf", "rfc6533.abnf"} <= names
    assert "local-fixes.abnf" in names


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_rule_has_its_section(path: object) -> None:
    assert hasattr(path, "read_text")
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    rules = read_rules(text, filename=path.name)  # type: ignore[attr-defined]
    assert rules
    missing = [rule.name for rule in rules if not rule.section]
    assert missing == []
    assert all(re.fullmatch(r"RFC \d+ §[\w.]+", rule.section or "") for rule in rules)


def test_check_reports_no_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    out = capsys.readouterr().out
    assert " 0 errors" in out
    assert "undefined" not in out
