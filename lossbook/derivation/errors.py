"""The exceptions of a check: not proved, refuted, and "not refuted" for ``rejects``."""

from __future__ import annotations


class DerivationError(AssertionError):
    """A step SymPy could not prove: it may be false, or true beyond the strategies.

    ``counterexample`` is None or ``(point, previous_value, claimed_value)``: a point
    (symbol -> number) satisfying every assumption where the claimed relation fails
    (then the error is a ``Refuted`` (its subclass)).
    """

    def __init__(self, message: str, counterexample=None):
        super().__init__(message)
        self.counterexample = counterexample


class Refuted(DerivationError):
    """A step shown false: ``evidence`` says how.

    ``"counterexample"``: a point satisfying every assumption where the relation fails,
    confirmed at 60 digits (``counterexample`` holds it); ``"limit"``: SymPy computed
    the limit of an approximation step and it is not the one claimed.
    """

    def __init__(self, message: str, counterexample=None, evidence: str = "counterexample"):
        super().__init__(message, counterexample)
        self.evidence = evidence


class NotRefuted(AssertionError):
    """Raised by ``rejects`` when building the chain failed without a refutation: SymPy
    could not prove a step, but nothing shows it false. An erratum check that relies on
    it fails with this message instead of passing on a statement that may be true."""
