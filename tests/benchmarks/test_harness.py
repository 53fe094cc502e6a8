"""The benchmark harness runs and reports in the documented shape (no timing asserted).

``benchmarks/run.py --smoke`` measures every case with tiny sizes and a
single round; these tests check the plumbing (JSON keys, ratios, the CI
ratchet), never how fast anything is.
"""

from __future__ import annotations

import email
import email.policy
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
RUN = BENCH / "run.py"


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    sys.path.insert(0, str(BENCH))
    try:
        yield {
            "goals": importlib.import_module("msgtrk_bench.goals"),
            "inputs": importlib.import_module("msgtrk_bench.inputs"),
        }
    finally:
        sys.path.remove(str(BENCH))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), "--smoke", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "result.json"
    proc = _run("--json", str(out))
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8")), proc.stdout


def test_json_has_the_documented_keys(smoke: tuple[dict[str, Any], str]) -> None:
    result, _ = smoke
    assert {"cases", "scaling", "import_ms"} <= set(result)
    assert result["cases"], "no case rows"
    for row in result["cases"]:
        assert {"name", "ours_us", "peer", "peer_us", "ratio", "n"} <= set(row)
        assert row["status"] == "ok" or row["status"].startswith(("unavailable: ", "error: "))
        if row["ours_us"] is not None and row["peer_us"]:
            assert row["ratio"] == pytest.approx(row["ours_us"] / row["peer_us"])
        else:
            assert row["ratio"] is None
    names = {row["name"] for row in result["cases"]}
    assert any(n.startswith("tracking-status body") for n in names)
    assert any(n.startswith("MAIL FROM") for n in names)
    assert {s["name"] for s in result["scaling"]} >= {
        "tracking-status recipients",
        "tracking-status folded field",
    }
    for series in result["scaling"]:
        assert {"sizes", "per_unit_us", "ratio", "status"} <= set(series)
    assert result["import_ms"]["import_ratio"] > 0
    assert {"msgtrk", "email"} <= set(result["import_ms"])


def test_every_peer_of_the_issue_is_measured(smoke: tuple[dict[str, Any], str]) -> None:
    result, _ = smoke
    measured = {row["peer"] for row in result["cases"] if row["status"] == "ok"}
    assert {"abnf (rust)", "aiosmtpd", "bytes.split floor"} <= measured


def test_table_is_printed(smoke: tuple[dict[str, Any], str]) -> None:
    _, stdout = smoke
    assert "| case" in stdout and "ratio" in stdout
    assert "Goals (benchmarks/goals.toml)" in stdout


def test_check_fails_when_a_ratcheted_goal_regresses(tmp_path: Path) -> None:
    goals = tmp_path / "goals.toml"
    goals.write_text(
        "noise_margin = 0.1\n"
        "[[goal]]\n"
        'id = "impossible-import"\n'
        'kind = "startup"\n'
        'key = "import_ratio"\n'
        "max = 0.000001\n"
        "met = true\n",
        encoding="utf-8",
    )
    proc = _run("--check", "--goals", str(goals), "--only", "MTQP TRACK command")
    assert proc.returncode == 1
    assert "CHECK FAILED: goal impossible-import" in proc.stderr


def test_check_passes_when_ratcheted_goals_hold(tmp_path: Path) -> None:
    goals = tmp_path / "goals.toml"
    goals.write_text(
        "noise_margin = 0.1\n"
        "[[goal]]\n"
        'id = "generous-import"\n'
        'kind = "startup"\n'
        'key = "import_ratio"\n'
        "max = 1000.0\n"
        "met = true\n",
        encoding="utf-8",
    )
    proc = _run("--check", "--goals", str(goals), "--only", "MTQP TRACK command")
    assert proc.returncode == 0, proc.stderr
    assert "| generous-import" in proc.stdout and "MET" in proc.stdout


def test_ratchet_rules(bench: dict[str, ModuleType]) -> None:
    g = bench["goals"]
    result = {
        "cases": [
            {"name": "MAIL FROM x", "peer": "abnf (rust)", "ratio": 0.105},
            {"name": "RCPT TO y", "peer": "abnf (rust)", "ratio": 0.08},
            {"name": "RCPT TO y", "peer": "aiosmtpd", "ratio": 5.0},
        ],
        "scaling": [{"name": "s", "ratio": None}],
        "import_ms": {"import_ratio": 2.5},
    }

    def judge(**kw: Any) -> Any:
        fields = {"id": "x", "kind": "case", "max": 0.1, "met": True, "description": ""}
        fields.update(kw)
        goal = g.Goal(**fields)
        return g.evaluate([goal], 0.1, result)[0]

    within_margin = judge(cases=("MAIL FROM *", "RCPT TO *"), peer="abnf (rust)")
    assert within_margin.worst == pytest.approx(0.105)
    assert (within_margin.met, within_margin.regressed) == (False, False)
    past_margin = judge(cases=("MAIL FROM *",), peer="abnf (rust)", max=0.09)
    assert past_margin.regressed and past_margin.verdict == "REGRESSED"
    not_ratcheted = judge(kind="startup", key="import_ratio", max=2.0, met=False)
    assert (not_ratcheted.verdict, not_ratcheted.regressed) == ("NOT MET", False)
    unmeasured = judge(kind="scaling", series="s", max=1.5)
    assert unmeasured.regressed and not unmeasured.measured
    met = judge(cases=("RCPT TO *",), peer="abnf (rust)")
    assert met.verdict == "MET"


def test_goals_file_has_every_issue_goal(bench: dict[str, ModuleType]) -> None:
    goals, margin = bench["goals"].load_goals()
    assert 0 < margin < 0.5
    by_id = {goal.id: goal for goal in goals}
    assert by_id["bodies-vs-email-default"].max == 0.25
    assert by_id["bodies-vs-floor"].max == 10
    assert by_id["esmtp-vs-abnf-rust"].max == 0.1
    assert by_id["scaling-recipients"].max == by_id["scaling-folded-field"].max == 1.5
    assert (by_id["import"].max, by_id["first-parse"].max) == (2, 3)


def test_inputs_are_seeded_and_well_formed(bench: dict[str, ModuleType]) -> None:
    inputs = bench["inputs"]
    body = inputs.tracking_status_body(3)
    assert body == inputs.tracking_status_body(3)
    assert b"\n" not in body.replace(b"\r\n", b"")
    msg = email.message_from_bytes(
        b"Content-Type: message/delivery-status\r\n\r\n" + body, policy=email.policy.compat32
    )
    blocks = msg.get_payload()
    assert isinstance(blocks, list) and len(blocks) == 4
    assert all("Final-Recipient" in block for block in blocks[1:])
    report = email.message_from_bytes(inputs.dsn_message(3), policy=email.policy.default)
    assert report.get_content_type() == "multipart/report"
    kinds = [part.get_content_type() for part in report.iter_parts()]
    assert kinds == ["text/plain", "message/delivery-status", "text/rfc822-headers"]
    long_field = inputs.tracking_status_body(1, extra_field_chars=1000)
    assert max(len(line) for line in long_field.split(b"\r\n")) <= 78
