"""The exception a failed check raises."""

from __future__ import annotations


class DerivationError(AssertionError):
    """A step SymPy could not prove (or a check that found a counterexample).

    ``counterexample`` is None or ``(point, previous_value, claimed_value)``: a point
    (symbol -> number) where the claimed relation visibly fails.
    """

    def __init__(self, message: str, counterexample=None):
        super().__init__(message)
        self.counterexample = counterexample
