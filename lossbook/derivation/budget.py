"""Time budgets of the checker, and the switch of the counterexample search.

The settings are read when a check runs: set them on this module
(``lossbook.derivation.budget.STRATEGY_SECONDS = 2.0``; the tests monkeypatch them here).

The limits count the *CPU time* of this process (``ITIMER_PROF``, ``time.process_time``),
not the wall clock: on a machine shared with other jobs a strategy gets the same amount
of work before it is abandoned, so whether a step is proved does not depend on the load.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time

#: CPU seconds one expensive strategy may run before it is abandoned ("not proved").
STRATEGY_SECONDS = 10.0
#: CPU seconds all strategies of one check (one concrete instance) may take together.
CHECK_SECONDS = 30.0
#: Search for numeric counterexamples (they only ever reject, and make failing fast).
#: The tests switch it off to show that the symbolic strategies alone reject wrong steps.
USE_COUNTEREXAMPLES = True


class _Timeout(BaseException):
    """Raised inside a strategy that ran out of time (BaseException: never swallowed)."""


_DEADLINES: list[float] = []  # the active time limits, innermost last


def _on_alarm(signum, frame):
    raise _Timeout()


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` of CPU time (main thread only; elsewhere no
    limit). Limits nest: an inner limit never outlasts the enclosing one.
    """
    if (seconds is None or not hasattr(signal, "setitimer")  # e.g. Windows: no limit
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    now = time.process_time()
    deadline = now + max(seconds, 0.01)
    if _DEADLINES:
        deadline = min(deadline, _DEADLINES[-1])
    previous = signal.signal(signal.SIGPROF, _on_alarm) if not _DEADLINES else None
    _DEADLINES.append(deadline)
    signal.setitimer(signal.ITIMER_PROF, max(deadline - now, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _DEADLINES.pop()
        if _DEADLINES:
            signal.setitimer(signal.ITIMER_PROF,
                             max(_DEADLINES[-1] - time.process_time(), 0.001))
        else:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous if previous is not None else signal.SIG_DFL)


def _attempt(fn, seconds):
    """Run ``fn()``; None if it times out or SymPy raises (a crash is "not proved")."""
    try:
        with _time_limit(seconds):
            return fn()
    except _Timeout:
        return None
    except Exception:  # noqa: BLE001 - SymPy raises many kinds; none of them proves anything
        return None


@contextlib.contextmanager
def _deadline(seconds: float):
    """Bound the whole expensive phase of one check to ``seconds`` of CPU time."""
    try:
        with _time_limit(seconds):
            yield
    except _Timeout:
        pass
