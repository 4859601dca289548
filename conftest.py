"""pytest settings for the whole repository, so they also hold when nbval runs on
``chapters/`` alone (``pytest --nbval chapters/06_sigmoid_bce.ipynb``), without
``tests/`` and its conftest being collected."""

from __future__ import annotations

import os


def _nbval_execute_with_history() -> None:
    """Make nbval run cells as Jupyter and nbclient do, with ``store_history=True``.

    nbval 0.10+ executes cells with ``store_history=False``; IPython then ignores a
    trailing ``;`` (it looks for it in the history), so a plot cell ending in ``;``
    shows an extra ``<matplotlib...>`` output and strict nbval fails although the
    stored notebook is right (computationalmodelling/nbval#194, ipython/ipython#14162).
    """
    from nbval.kernel import RunningKernel

    def execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(
            cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
        )

    RunningKernel.execute_cell_input = execute_cell_input


def pytest_configure(config):
    # Checking the book's own answers (tests, nbval's kernels inherit the environment)
    # must never write to a reader's progress file (lossbook.progress).
    os.environ.setdefault("LOSSBOOK_PROGRESS", "off")
    if getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False):
        _nbval_execute_with_history()
