"""A student's progress through the exercises, kept in a small JSON file.

:func:`lossbook.exercises.check` calls :func:`record` when an answer is right;
``python -m lossbook exercises`` prints every exercise by chapter with its status, and
``python -m lossbook exercises --reset`` forgets them all.

Where the file lives (never inside the repository):

- ``$LOSSBOOK_PROGRESS`` if set: a file path, or ``off`` (or an empty value) to keep
  no record at all. The test suite and ``make`` set it, so checking the book's own
  answers never touches a reader's record.
- otherwise ``$XDG_DATA_HOME/lossbook/progress.json``, by default
  ``~/.local/share/lossbook/progress.json``.

The file is ``{"version": 1, "solved": {"ch01-ex1": "2026-12-01T10:00:00+00:00", ...}}``:
for each exercise the time it was first answered correctly (UTC). It is written
atomically (a temporary file renamed over it); a file that cannot be read counts as
empty, and a failure to write is ignored (a check never fails because of its record).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["ENV", "path", "solved", "record", "reset"]

ENV = "LOSSBOOK_PROGRESS"
_VERSION = 1


def path() -> Path | None:
    """The progress file, or None when recording is switched off (``LOSSBOOK_PROGRESS=off``)."""
    value = os.environ.get(ENV)
    if value is not None:
        value = value.strip()
        return None if value.lower() in ("", "off", "none", "0") else Path(value).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lossbook" / "progress.json"


def solved() -> dict[str, str]:
    """``{exercise_id: first time answered correctly (ISO 8601, UTC)}``; empty if none."""
    file = path()
    if file is None or not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("solved") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return {}
    return {str(k): str(v) for k, v in entries.items()}


def record(exercise_id: str) -> bool:
    """Note that ``exercise_id`` was answered correctly (once; the first time is kept).

    Returns True if the file now holds the entry, False when recording is off or the
    file could not be written.
    """
    file = path()
    if file is None:
        return False
    entries = solved()
    if exercise_id in entries:
        return True
    entries[exercise_id] = datetime.now(UTC).replace(microsecond=0).isoformat()
    try:
        _write(file, {"version": _VERSION, "solved": dict(sorted(entries.items()))})
    except OSError:
        return False
    return True


def reset() -> Path | None:
    """Forget every recorded answer (delete the file); returns the path it had, if any."""
    file = path()
    if file is not None and file.exists():
        file.unlink()
    return file


def _write(file: Path, data: dict) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.write("\n")
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
