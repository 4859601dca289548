"""lossbook: numerically stable loss functions, their gradients, and checked derivations.

The library behind the executable textbook on loss functions. Everything public is
importable from here; the contract is ``API.md``.
"""

from .activations import (
    log_sigmoid,
    log_softmax,
    logit,
    logsumexp,
    sigmoid,
    softmax,
    softplus,
)
from .gradients import (
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits_grad,
    hinge_grad,
    huber_grad,
    logit_grad,
    mae_grad,
    mse_grad,
    multiclass_hinge_grad,
    numerical_grad,
    sigmoid_grad,
    softmax_cross_entropy_grad,
    softmax_jacobian,
)
from .information import cross_entropy, entropy, kl_divergence
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    hinge,
    huber,
    mae,
    mse,
    multiclass_hinge,
    softmax_cross_entropy,
)

__version__ = "0.1.0"

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "logsumexp",
    "softmax",
    "log_softmax",
    "logit",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "mse",
    "mae",
    "huber",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax_cross_entropy",
    "hinge",
    "multiclass_hinge",
    "sigmoid_grad",
    "logit_grad",
    "softmax_jacobian",
    "mse_grad",
    "mae_grad",
    "huber_grad",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits_grad",
    "softmax_cross_entropy_grad",
    "hinge_grad",
    "multiclass_hinge_grad",
    "numerical_grad",
]

# --- helper modules ---
from . import exercises  # noqa: E402  (cheap: chapter exercises load on first use)

__all__ += ["exercises"]
from . import training  # noqa: E402  (cheap: numpy only, imports no SymPy)

__all__ += ["training"]
from .chains import chain  # noqa: E402
from .derivation import Derivation, DerivationError, claim  # noqa: E402

__all__ += ["Derivation", "DerivationError", "claim", "chain"]
