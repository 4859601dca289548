"""The student's progress file: where it lives, what check() records, the CLI listing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lossbook import exercises as E
from lossbook import progress


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    file = tmp_path / "sub" / "progress.json"
    monkeypatch.setenv(progress.ENV, str(file))
    return file


def test_default_location_is_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert progress.path() == tmp_path / "data" / "lossbook" / "progress.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert progress.path() == tmp_path / "home" / ".local" / "share" / "lossbook" / "progress.json"


def test_off_keeps_no_record(monkeypatch):
    monkeypatch.setenv(progress.ENV, "off")
    assert progress.path() is None and progress.record("ch01-ex1") is False
    assert progress.solved() == {}


def test_a_right_answer_is_recorded_once_and_a_wrong_one_never(progress_file):
    assert not progress_file.exists()
    assert not E.check("ch02-ex1", 7)
    assert not progress_file.exists(), "a wrong answer wrote the progress file"
    assert E.check("ch02-ex1", 5)
    first = json.loads(progress_file.read_text())
    assert first["version"] == 1 and list(first["solved"]) == ["ch02-ex1"]
    assert E.check("ch02-ex1", "sqrt(25)")
    assert json.loads(progress_file.read_text()) == first, "the first time must be kept"
    assert E.check("ch01-ex1", "log(t)/log(10)")
    assert sorted(progress.solved()) == ["ch01-ex1", "ch02-ex1"]


def test_a_damaged_file_counts_as_empty_and_reset_removes_it(progress_file):
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text("{not json")
    assert progress.solved() == {}
    assert progress.record("ch02-ex1") and list(progress.solved()) == ["ch02-ex1"]
    assert progress.reset() == progress_file and not progress_file.exists()


def _cli(*args, env_file):
    env = {"PATH": "/usr/bin:/bin", progress.ENV: str(env_file)}
    return subprocess.run([sys.executable, "-m", "lossbook", "exercises", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_lists_every_exercise_by_chapter_with_status(progress_file):
    assert E.check("ch02-ex1", 5)
    out = _cli(env_file=progress_file)
    assert out.returncode == 0, out.stderr
    for exercise_id in E.ids():
        assert exercise_id in out.stdout
    chapters = sorted({i.split("-")[0] for i in E.ids()})
    headers = [line.split()[0] for line in out.stdout.splitlines()
               if line[:2] == "ch" and "solved)" in line]
    assert headers == chapters
    line = next(row for row in out.stdout.splitlines() if "ch02-ex1 " in row)
    assert "[x]" in line
    assert "[ ]" in next(row for row in out.stdout.splitlines() if "ch02-ex2 " in row)
    assert f"1 of {len(E.ids())} exercises solved" in out.stdout
    assert str(progress_file) in out.stdout
    only = _cli("--chapter", "ch02", env_file=progress_file)
    assert "ch01-ex1" not in only.stdout and "ch02-ex5" in only.stdout


def test_cli_reset(progress_file):
    assert E.check("ch02-ex1", 5) and progress_file.exists()
    out = _cli("--reset", env_file=progress_file)
    assert out.returncode == 0 and "reset" in out.stdout and not progress_file.exists()
    assert "0 of" in _cli(env_file=progress_file).stdout
