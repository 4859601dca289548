"""``python -m lossbook verify`` as a subprocess: output, JSON, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lossbook.chains import all_claims

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "tests" / "fixtures" / "failing_chain.py"


def run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "lossbook", "verify", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def full_json():
    proc = run("--json")
    return proc, json.loads(proc.stdout)


def test_verify_json_lists_every_claim_and_passes(full_json):
    proc, data = full_json
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    ids = [r["id"] for r in data["claims"]]
    assert sorted(ids) == sorted(c.id for c in all_claims())
    for r in data["claims"]:
        assert set(r) == {"id", "chapter", "method", "status", "seconds", "detail"}
        assert r["status"] == "pass"
        assert r["method"] in ("symbolic", "by value", "numeric") or r["method"].startswith(
            "concrete ")
        assert isinstance(r["seconds"], float | int) and r["seconds"] >= 0
    methods = {r["id"]: r["method"] for r in data["claims"]}
    assert methods["softmax.jacobian"] == "concrete n=2..6"
    assert methods["sigmoid.derivative"] == "symbolic"
    assert methods["bernoulli.sigmoid"] == "concrete y=0,1"
    assert methods["least-squares.gradient"] == "concrete n=2..6, m=2"  # 2 features
    assert methods["expectation.leibniz-gaussian"] == "by value"
    assert all(e["status"] == "pass" for e in data["errata"])
    # Its run time is reported (data["seconds"]), not asserted: machines are shared and noisy.


def test_verify_prints_one_line_a_claim():
    proc = run("--only", "ch06", "--only", "softmax.shift")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if not ln.startswith("erratum")]
    claim_lines = lines[:-1]
    ch06 = sorted(c.id for c in all_claims() if c.chapter == "ch06")
    assert sorted(ln.split()[0] for ln in claim_lines) == sorted(ch06 + ["softmax.shift"])
    for ln in claim_lines:
        parts = ln.split()
        assert parts[1] in ("ch06", "ch07") and "PASS" in parts and ln.endswith(" s")
    assert "0 failed" in lines[-1]


def test_a_failing_claim_makes_verify_exit_1():
    proc = run("--module", str(FAILING), "--only", "test.deliberately-wrong",
               "--only", "sigmoid.derivative")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "test.deliberately-wrong" in proc.stdout and "FAIL" in proc.stdout
    assert "sigmoid.derivative" in proc.stdout and "1 failed" in proc.stdout
    assert "counterexample" in proc.stdout  # the failure explains itself
    proc = run("--json", "--module", str(FAILING), "--only", "test.deliberately-wrong")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    (record,) = data["claims"]
    assert record["status"] == "fail" and "wrong on purpose" in record["detail"]
