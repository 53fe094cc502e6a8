"""``msgtrk inspect``: run in-process through msgtrk.cli.main."""

from __future__ import annotations

import io
import json
import pathlib
import sys

import pytest

from msgtrk import cli
from msgtrk._inspect import detect

ROOT = pathlib.Path(__file__).parent.parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["inspect", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_readme_main_job(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(EXAMPLES / "dsn-postfix-bounce.eml"))
    assert (code, err) == (0, "")
    assert out.startswith("DSN message (multipart/report; report-type=delivery-status)\n")
    assert "Subject: Undelivered Mail Returned to Sender" in out
    assert "Returned: text/rfc822-headers" in out
    rows = [ln for ln in out.splitlines() if ln[:2] in ("1 ", "2 ")]
    assert len(rows) == 2
    assert "rfc822; bob@example.org" in rows[0] and "failed" in rows[0] and "5.1.1" in rows[0]
    assert "rfc822; carol@example.net" in rows[1] and "5.2.2" in rows[1]
    assert "defect" not in out


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (EXAMPLES / "dsn-postfix-bounce.eml", "report"),
        (EXAMPLES / "mtsn-chained.txt", "mtsn"),
        (DATA / "rfc3887-4.1-example06-mtsn.txt", "mtsn"),
        (DATA / "dsn-corpus" / "qmail-bounce.eml", "report"),
    ],
)
def test_detect_files(path: pathlib.Path, kind: str) -> None:
    assert detect(path.read_bytes()) == kind


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"--b\r\nContent-Type: message/tracking-status\r\n\r\n", "mtsn"),
        (b"Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\n", "delivery-status"),
        (b"Reporting-MTA: dns; x\n\nAction: transferred\n", "tracking-status"),
        (
            b"Original-Envelope-Id: e\nReporting-MTA: dns; x\nArrival-Date: d\n\n"
            b"Original-Recipient: rfc822; a@b\nFinal-Recipient: rfc822; a@b\n",
            "tracking-status",
        ),
        (
            b"Original-Envelope-Id: e\nReporting-MTA: dns; x\nArrival-Date: d\n\n"
            b"Original-Recipient: rfc822; a@b\nDiagnostic-Code: smtp; 550\n",
            "delivery-status",
        ),
        (b"From MAILER-DAEMON Mon\nFrom: x\nSubject: y\n\nhi\n", "report"),
        (b"Content-Type: Multipart/Related; boundary=b\n\n", "mtsn"),
        (b"", "report"),
    ],
)
def test_detect_bytes(data: bytes, kind: str) -> None:
    assert detect(data) == kind


def test_mtsn_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EXAMPLES / "mtsn-chained.txt"))
    assert code == 0
    assert out.startswith("MTSN (multipart/related) with 2 tracking-status part(s)\n")
    assert "Part 2:" in out and "user4@example3.com" in out and "2.1.9" in out


def test_strict_error_is_one_line_with_position(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "mtsn-rfc3887-example6.txt")
    code, out, err = run(capsys, path)
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"msgtrk inspect: {path}:1:43: ")
    assert "[boundary]" in err and "--lenient" in err
    assert "Traceback" not in err


def test_lenient_lists_defects(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--lenient", str(EXAMPLES / "mtsn-rfc3887-example6.txt"))
    assert (code, err) == (0, "")
    assert "2 defect(s):" in out
    assert "line 1, column 54: related-type:" in out


def test_lenient_non_dsn(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lenient", str(DATA / "dsn-corpus" / "qmail-bounce.eml"))
    assert code == 0
    assert "read from the text of a qmail bounce" in out and "not-multipart-report" in out
    assert "xavier@example.org" in out and "5.1.1" in out


def test_lenient_plain_message(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    f = tmp_path / "plain.eml"
    f.write_bytes(b"From: x@example.org\nSubject: y\n\nJust a note.\n")
    code, out, _ = run(capsys, "--lenient", str(f))
    assert code == 0
    assert "not an RFC 3464 DSN" in out and "not-multipart-report" in out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", str(EXAMPLES / "dsn-postfix-bounce.eml"))
    assert code == 0
    doc = json.loads(out)
    assert doc["detected"] == "report" and doc["kind"] == "delivery-report"
    recips = doc["status"]["recipients"]
    assert [r["action"] for r in recips] == ["failed", "failed"]
    assert doc["defects"] == []


def test_json_mtsn_and_bodies(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    code, out, _ = run(capsys, "--json", "--lenient", str(DATA / "rfc3887-4.1-example09-mtsn.txt"))
    assert code == 0
    doc = json.loads(out)
    assert doc["detected"] == "mtsn"
    assert [d["kind"] for d in doc["defects"]][-1] == "missing-colon"
    body = tmp_path / "body.txt"
    body.write_bytes(
        b"Reporting-MTA: dns; x.example\n\nFinal-Recipient: rfc822; a@example.com\n"
        b"Action: failed\nStatus: 5.1.1\n"
    )
    code, out, _ = run(capsys, "--json", str(body))
    assert code == 0 and json.loads(out)["detected"] == "delivery-status"
    code, out, _ = run(capsys, str(body))
    assert code == 0 and "a@example.com" in out


def test_forced_type(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    body = tmp_path / "ts.txt"
    body.write_bytes(
        b"Original-Envelope-Id: e@x\nReporting-MTA: dns; x.example\n"
        b"Arrival-Date: Mon, 1 Jan 2001 15:15:15 -0500\n\n"
        b"Original-Recipient: rfc822; a@example.com\nFinal-Recipient: rfc822; a@example.com\n"
        b"Action: delivered\nStatus: 2.5.0\n"
    )
    code, out, _ = run(capsys, "--type", "tracking-status", str(body))
    assert code == 0 and "message/tracking-status" in out
    code, _, err = run(capsys, "--type", "mtsn", str(body))
    assert code == 1 and err.startswith(f"msgtrk inspect: {body}:")


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = (EXAMPLES / "dsn-postfix-bounce.eml").read_bytes()
    fake = io.TextIOWrapper(io.BytesIO(data))
    monkeypatch.setattr(sys, "stdin", fake)
    code, out, _ = run(capsys, "-")
    assert code == 0 and "bob@example.org" in out


def test_stdin_error_names_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Subject: x\n\nhello\n")))
    code, _, err = run(capsys, "-")
    assert code == 1
    assert err.startswith("msgtrk inspect: <stdin>:3:1: no Content-Type")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path) -> None:
    code, out, err = run(capsys, str(tmp_path / "nope.eml"))
    assert code == 2 and out == ""
    assert err.startswith("msgtrk inspect: cannot read ") and err.count("\n") == 1


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "dsn-corpus").glob("*.eml")))
def test_whole_corpus_lenient(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "--lenient", str(DATA / "dsn-corpus" / name))
    assert (code, err) == (0, "")
    assert out.startswith("DSN message")


def test_garbage_never_tracebacks(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    for i, data in enumerate(
        [b"\xff\xfe\x00garbage", b"--\n", b"Content-Type: multipart/report\n\n", b":\n\n"]
    ):
        f = tmp_path / f"g{i}"
        f.write_bytes(data)
        for extra in ([], ["--lenient"], ["--json"]):
            code, _, err = run(capsys, *extra, str(f))
            assert code in (0, 1)
            assert "Traceback" not in err


def test_examples_readme_commands(capsys: pytest.CaptureFixture[str]) -> None:
    text = (EXAMPLES / "README.md").read_text("utf-8")
    commands = [ln.split("`")[-2] for ln in text.splitlines() if ln.startswith("| `")]
    assert len(commands) == 4
    for command in commands:
        argv = command.split()[2:]
        argv[-1] = str(ROOT / argv[-1])
        code, out, err = run(capsys, *argv)
        assert (code, err) == (0, ""), command
        assert "bob@example.org" in out or "user1@example1.com" in out or "quinn" in out
    code, _, err = run(capsys, str(EXAMPLES / "dsn-exim-bounce.eml"))
    assert code == 1 and ":36:1: " in err


def test_json_error_is_valid_json(capsys: pytest.CaptureFixture[str]) -> None:
    # --json is machine output: bad input still gives one JSON object (and exit 1).
    path = str(EXAMPLES / "mtsn-rfc3887-example6.txt")
    code, out, err = run(capsys, "--json", path)
    assert code == 1 and err.startswith(f"msgtrk inspect: {path}:1:43: ")
    payload = json.loads(out)
    assert payload["detected"] == "mtsn"
    error = payload["error"]
    assert (error["line"], error["column"], error["rule"]) == (1, 43, "boundary")


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_ascii_only_stdout_gets_no_encode_error(
    monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    # RFC 6533 DSNs hold UTF-8; a terminal that takes only ASCII still gets the
    # table (backslash escapes) or valid JSON (\u escapes), never a traceback.
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", newline="\n")
    monkeypatch.setattr(sys, "stdout", out)
    path = str(DATA / "dsn-corpus" / "postfix-smtputf8-global.eml")
    assert cli.main(["inspect", "--lenient", *extra, path]) == 0
    out.flush()
    text = raw.getvalue().decode("ascii")
    if extra:
        assert ["To", "j\u00f6rg@example.de"] in json.loads(text)["headers"]
    else:
        assert "j\\xf6rg@example.de" in text
