"""lossbook: numerically stable loss functions, their gradients, and checked derivations.

The library behind the executable textbook on loss functions. Everything public is
importable from here; the contract is ``API.md``.
"""

from .activations import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax, softplus

__version__ = "0.1.0"

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "logsumexp",
    "softmax",
    "log_softmax",
]
