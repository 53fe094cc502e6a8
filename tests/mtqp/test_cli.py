"""``msgtrk serve --db FILE`` and ``msgtrk track mtqp://...`` end to end on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from msgtrk import mtqp
from msgtrk.cli import main
from msgtrk.esmtp import new_mtrk_secret
from msgtrk.mtqp.store import SqliteStore

from .test_aio import STATUS

ENVID = "12345-20010101@example.com"


@pytest.fixture
def server(tmp_path: Path) -> tuple[int, str]:
    secret, certifier = new_mtrk_secret()
    status = tmp_path / "status.txt"
    status.write_text(STATUS, encoding="ascii")
    db = tmp_path / "track.db"
    assert main(["serve", "--db", str(db), "--add", ENVID, certifier, str(status)]) == 0
    assert SqliteStore(db).lookup(ENVID) is not None
    proc = subprocess.Popen(
        [sys.executable, "-m", "msgtrk", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:")
        yield int(line.rsplit(":", 1)[1]), secret
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_track_command(server: tuple[int, str], capsys: pytest.CaptureFixture[str]) -> None:
    port, secret = server
    uri = mtqp.build_uri(host="127.0.0.1", port=port, envid=ENVID, secret=secret)
    assert main(["track", uri]) == 0
    assert "delivered" in capsys.readouterr().out
    assert main(["track", "--json", "127.0.0.1", ENVID, secret, "--port", str(port)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "delivered" in json.dumps(data)
    # options between the positionals (review finding, session 2)
    assert main(["track", "127.0.0.1", "--port", str(port), ENVID, "--json", secret]) == 0
    assert json.loads(capsys.readouterr().out) == data
    assert main(["track", "--raw", uri]) == 0
    assert "Content-Type: multipart/related" in capsys.readouterr().out
    wrong = mtqp.build_uri(host="127.0.0.1", port=port, envid=ENVID, secret="V3Jvbmc")
    assert main(["track", wrong]) == 1
    assert "noinfo" in capsys.readouterr().err


def test_track_command_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["track", "mtqp://127.0.0.1:1/track/a@b/QUJD"]) == 2  # nothing listens
    assert main(["track", "mtqp://x/nottrack/a@b/QUJD"]) == 2
    assert "track" in capsys.readouterr().err
