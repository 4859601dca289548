"""The bad-input table of API.md, one test a row: the exception type, and a message
that names the offending argument. Plus: nothing is printed, by an import or a call."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import oracles as O
import pytest

import lossbook as lb

LOSS_NAMES = [s.name for s in O.LOSSES]
LOSS_AND_GRAD = [n for s in LOSS_NAMES for n in (s, s + "_grad")]

# the first argument's name in the contract
FIRST = {
    "sigmoid": "x", "log_sigmoid": "x", "softplus": "x", "sigmoid_grad": "x",
    "logsumexp": "x", "softmax": "x", "log_softmax": "x", "softmax_jacobian": "x",
    "entropy": "p", "cross_entropy": "p", "kl_divergence": "p",
    "mse": "pred", "mae": "pred", "huber": "pred", "binary_cross_entropy": "prob",
    "binary_cross_entropy_with_logits": "logits", "softmax_cross_entropy": "logits",
    "hinge": "scores", "multiclass_hinge": "scores",
}
FIRST.update({n + "_grad": FIRST[n] for n in LOSS_NAMES})
SECOND = {n: ("labels" if n.startswith("multiclass_hinge") else "target") for n in LOSS_AND_GRAD}
SECOND.update({"cross_entropy": "q", "kl_divergence": "q"})


def word(name):
    return rf"\b{name}\b"


def call(name, *args, **kw):
    return getattr(lb, name)(*args, **kw)


# ---------------------------------------------------------------- shapes
SHAPE_CASES = []
for _n in ["mse", "mae", "huber", "binary_cross_entropy", "binary_cross_entropy_with_logits"]:
    for _suffix in ("", "_grad"):
        SHAPE_CASES.append((_n + _suffix, np.full(3, 0.5), np.full(4, 0.5), "mismatch"))
        # the target may broadcast to the prediction, never the reverse
        SHAPE_CASES.append((_n + _suffix, np.full(4, 0.5), np.full((3, 4), 0.5), "reverse"))
for _suffix in ("", "_grad"):
    SHAPE_CASES += [
        ("hinge" + _suffix, np.zeros(3), np.ones(4, int), "mismatch"),
        ("hinge" + _suffix, np.zeros(4), np.ones((3, 4), int), "reverse"),
        ("softmax_cross_entropy" + _suffix, np.zeros((2, 3)), np.array([0, 1, 2]), "labels"),
        ("softmax_cross_entropy" + _suffix, np.zeros((2, 3)), np.full((2, 4), 0.25), "dist"),
        ("multiclass_hinge" + _suffix, np.zeros((2, 3)), np.array([0, 1, 2]), "labels"),
        ("multiclass_hinge" + _suffix, np.zeros((2, 3)), np.zeros((2, 3), int), "labels-2d"),
    ]
SHAPE_CASES += [
    ("cross_entropy", np.full(3, 1 / 3), np.full(4, 0.25), "mismatch"),
    ("kl_divergence", np.full(3, 1 / 3), np.full(4, 0.25), "mismatch"),
]


@pytest.mark.parametrize("name, a, b, kind", SHAPE_CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in SHAPE_CASES])
def test_shapes_that_do_not_match(name, a, b, kind):
    names = f"{word(SECOND[name])}|{word(FIRST[name])}"
    with pytest.raises(ValueError, match=names):
        call(name, a, b)


# ---------------------------------------------------------------- probabilities
PROB_CASES = [
    ("binary_cross_entropy", [1.5, 0.5], [1.0, 0.0], "prob"),
    ("binary_cross_entropy", [-0.1, 0.5], [1.0, 0.0], "prob"),
    ("binary_cross_entropy", [0.5, 0.5], [1.2, 0.0], "target"),
    ("binary_cross_entropy", [0.5, 0.5], [1.0, -1e-9], "target"),
    ("binary_cross_entropy_grad", [1.5, 0.5], [1.0, 0.0], "prob"),
    ("binary_cross_entropy_grad", [0.5, 0.5], [2.0, 0.0], "target"),
    ("binary_cross_entropy_with_logits", [3.0, -2.0], [1.5, 0.0], "target"),
    ("binary_cross_entropy_with_logits_grad", [3.0, -2.0], [0.5, -0.5], "target"),
]


@pytest.mark.parametrize("name, a, b, arg", PROB_CASES,
                         ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(PROB_CASES)])
def test_probabilities_outside_unit_interval(name, a, b, arg):
    with pytest.raises(ValueError, match=word(arg)):
        call(name, np.array(a), np.array(b))


# ---------------------------------------------------------------- distributions
GOOD = np.array([[0.2, 0.3, 0.5]])
NEG = np.array([[-0.1, 0.6, 0.5]])
OFF = np.array([[0.3, 0.3, 0.3]])           # sums to 0.9
OFF_SMALL = np.array([[0.5, 0.5 + 2e-6, 0.0]])  # off by 2e-6 > 1e-6


def _dist_case(name, which, bad):
    if name == "entropy":
        return (bad,), "p"
    if name in ("cross_entropy", "kl_divergence"):
        return ((bad, GOOD) if which == "p" else (GOOD, bad)), which
    return (np.zeros((1, 3)), bad), "target"  # softmax_cross_entropy[_grad]


DIST_FUNCS = [("entropy", "p"), ("cross_entropy", "p"), ("cross_entropy", "q"),
              ("kl_divergence", "p"), ("kl_divergence", "q"),
              ("softmax_cross_entropy", "target"), ("softmax_cross_entropy_grad", "target")]


@pytest.mark.parametrize("name, which", DIST_FUNCS, ids=[f"{a}-{b}" for a, b in DIST_FUNCS])
def test_distribution_with_a_negative_entry(name, which):
    args, arg = _dist_case(name, which, NEG)
    with pytest.raises(ValueError, match=word(arg)):
        call(name, *args)


@pytest.mark.parametrize("bad", [OFF, OFF_SMALL], ids=["sum0.9", "sum1+2e-6"])
@pytest.mark.parametrize("name, which", DIST_FUNCS, ids=[f"{a}-{b}" for a, b in DIST_FUNCS])
def test_distribution_not_summing_to_one(name, which, bad):
    args, arg = _dist_case(name, which, bad)
    with pytest.raises(ValueError, match=word(arg)):
        call(name, *args)
    # within atol = 1e-6 of 1 is accepted
    near = np.array([[0.4, 0.3 + 5e-7, 0.3]])
    args, _ = _dist_case(name, which, near)
    assert np.all(np.isfinite(call(name, *args)))


# ---------------------------------------------------------------- labels
LABEL_CASES = [
    (n + s, labels)
    for n in ("softmax_cross_entropy", "multiclass_hinge") for s in ("", "_grad")
    for labels in ([0, 3], [-1, 0], [0, 100], [np.iinfo(np.int64).min, 0])
]


@pytest.mark.parametrize("name, labels", LABEL_CASES,
                         ids=[f"{n}-{lab[0]},{lab[1]}" for n, lab in LABEL_CASES])
def test_integer_labels_out_of_range(name, labels):
    with pytest.raises(ValueError, match=word(SECOND[name])):
        call(name, np.zeros((2, 3)), np.array(labels))


def test_unsigned_labels_out_of_range():
    with pytest.raises(ValueError, match=word("target")):
        lb.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3], np.uint8))


HINGE_CASES = [(n, t) for n in ("hinge", "hinge_grad")
               for t in ([0, 1], [2, 1], [1, -2], [0.5, 1.0], [1.0, 0.0])]


@pytest.mark.parametrize("name, target", HINGE_CASES,
                         ids=[f"{n}-{t}" for n, t in HINGE_CASES])
def test_hinge_labels_not_pm1(name, target):
    with pytest.raises(ValueError, match=word("target")):
        call(name, np.zeros(2), np.array(target))


@pytest.mark.parametrize("name", ["multiclass_hinge", "multiclass_hinge_grad"])
@pytest.mark.parametrize("labels", [[0.0, 1.0], [0.5, 1.0]], ids=["integral", "fraction"])
def test_floating_labels_for_multiclass_hinge(name, labels):
    with pytest.raises(TypeError, match=word("labels")):
        call(name, np.zeros((2, 3)), np.array(labels))


# ---------------------------------------------------------------- keyword arguments
def _valid(name, dtype=np.float64):
    for n, args, kw in O.sample_calls(dtype):
        if n == name:
            return args, kw
    raise KeyError(name)


@pytest.mark.parametrize("reduction", ["avg", "MEAN", "", None, 1], ids=repr)
@pytest.mark.parametrize("name", LOSS_AND_GRAD)
def test_unknown_reduction(name, reduction):
    args, kw = _valid(name)
    with pytest.raises(ValueError, match=word("reduction")):
        call(name, *args, **{**kw, "reduction": reduction})


@pytest.mark.parametrize("delta", [0.0, -1.0, -np.inf], ids=repr)
@pytest.mark.parametrize("name", ["huber", "huber_grad"])
def test_delta_not_positive(name, delta):
    with pytest.raises(ValueError, match=word("delta")):
        call(name, np.zeros(2), np.ones(2), delta=delta)


@pytest.mark.parametrize("margin", [0.0, -1.0], ids=repr)
@pytest.mark.parametrize("name", ["multiclass_hinge", "multiclass_hinge_grad"])
def test_margin_not_positive(name, margin):
    with pytest.raises(ValueError, match=word("margin")):
        call(name, np.zeros((2, 3)), np.array([0, 1]), margin=margin)


@pytest.mark.parametrize("eps", [-0.1, 1.1, -1e-12], ids=repr)
@pytest.mark.parametrize("name", ["softmax_cross_entropy", "softmax_cross_entropy_grad"])
def test_label_smoothing_outside_unit_interval(name, eps):
    with pytest.raises(ValueError, match=word("label_smoothing")):
        call(name, np.zeros((2, 3)), np.array([0, 1]), label_smoothing=eps)


@pytest.mark.parametrize("base", [0, -2.0, 1, 1.0], ids=repr)
@pytest.mark.parametrize("name", O.INFORMATION)
def test_bad_log_base(name, base):
    p = np.array([0.5, 0.5])
    args = (p,) if name == "entropy" else (p, p)
    with pytest.raises(ValueError, match=word("base")):
        call(name, *args, base=base)


def _empty(name):
    base = name.removesuffix("_grad")
    if base in ("softmax_cross_entropy", "multiclass_hinge"):
        return np.zeros((0, 3)), np.zeros(0, np.int64)
    if base == "hinge":
        return np.zeros(0), np.zeros(0, np.int64)
    return np.zeros(0), np.zeros(0)


@pytest.mark.parametrize("name", LOSS_AND_GRAD)
def test_mean_of_an_empty_array(name):
    with pytest.raises(ValueError, match=r"\bmean\b|empty"):
        call(name, *_empty(name), reduction="mean")


# ---------------------------------------------------------------- types
NON_NUMERIC = {
    "strings": lambda a: np.full(a.shape, "a"),
    "objects": lambda a: np.full(a.shape, None, dtype=object),
    "complex": lambda a: a.astype(np.complex128),
}


ARG_POSITIONS = [(name, i) for name, args, _ in O.sample_calls() for i in range(len(args))]


@pytest.mark.parametrize("kind", list(NON_NUMERIC))
@pytest.mark.parametrize("name, position", ARG_POSITIONS,
                         ids=[f"{n}-{'first' if i == 0 else 'second'}" for n, i in ARG_POSITIONS])
def test_non_numeric_input(name, position, kind):
    args, kw = _valid(name)
    args = list(args)
    args[position] = NON_NUMERIC[kind](args[position])
    arg = FIRST[name] if position == 0 else SECOND[name]
    with pytest.raises(TypeError, match=word(arg)):
        call(name, *args, **kw)


# ---------------------------------------------------------------- silence
def test_import_prints_nothing():
    r = subprocess.run([sys.executable, "-c", "import lossbook"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0
    assert r.stdout == "" and r.stderr == ""


def test_calls_print_nothing(capsys):
    for dtype in (np.float64, np.float32):
        for name, args, kw in O.sample_calls(dtype):
            call(name, *args, **kw)
    lb.numerical_grad(lambda a: float(np.sum(a**2)), np.ones(3))
    for name in LOSS_AND_GRAD:  # error paths print nothing either
        with pytest.raises(ValueError):
            call(name, *_empty(name), reduction="mean")
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


# ---------------------------------------------------------------- nan is not lost
@pytest.mark.parametrize("name", ["cross_entropy", "kl_divergence"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_nan_in_q_where_p_is_zero_propagates(name, dtype):
    """0 log 0 = 0 must not swallow a nan: H([1, 0], [1, nan]) is nan, not 0."""
    p = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype)
    q = np.array([[1.0, np.nan], [1.0, 0.0], [np.nan, 1.0]], dtype)
    got = call(name, p, q)
    assert got.dtype == dtype
    assert np.isnan(got[0]) and np.isnan(got[2])
    assert got[1] == 0.0  # a true zero (p = 0, q = 0) still contributes 0
    assert np.isnan(call(name, [1.0, 0.0], [1.0, np.nan]))


# ---------------------------------------------------------------- float labels
FLOAT_LABELS = [
    (np.zeros((2, 2)), [1.0, 0.0]),          # float labels, one per row
    (np.zeros((2, 3)), [[0.2, 0.3, 0.5]]),   # one distribution meant for every row
    (np.zeros((2, 3)), np.array([2.0, 0.0], np.float32)),
    (np.zeros(3), np.array(1.0)),            # a floating scalar label
]


@pytest.mark.parametrize("name", ["softmax_cross_entropy", "softmax_cross_entropy_grad"])
@pytest.mark.parametrize("case", range(len(FLOAT_LABELS)))
def test_floating_target_must_have_the_logits_shape(name, case):
    """A floating target is read as distributions, so it must have the logits' exact
    shape; float labels broadcast as one distribution would give a wrong loss silently
    (0.6961 instead of 0.1961 for logits [[1, 2], [3, 0.5]] and labels [1, 0])."""
    logits, target = FLOAT_LABELS[case]
    with pytest.raises(ValueError, match=r"(?s)\btarget\b.*integer dtype"):
        call(name, logits, target)


def test_integer_labels_are_the_fix():
    x = np.array([[1.0, 2.0], [3.0, 0.5]])
    want = np.mean([np.logaddexp(1, 2) - 2, np.logaddexp(3, 0.5) - 3])
    assert float(lb.softmax_cross_entropy(x, [1, 0])) == pytest.approx(want, rel=1e-14)
    assert float(lb.softmax_cross_entropy(x, np.eye(2)[[1, 0]])) == pytest.approx(want, rel=1e-14)


# ---------------------------------------------------------------- which argument is which
@pytest.mark.parametrize("name, a, b, kind", SHAPE_CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in SHAPE_CASES])
def test_messages_say_which_argument_is_the_prediction_and_which_the_target(name, a, b, kind):
    with pytest.raises(ValueError) as info:
        call(name, a, b)
    msg = str(info.value)
    if name in ("cross_entropy", "kl_divergence"):
        assert "target distribution" in msg and "predicted distribution" in msg, msg
    else:
        assert "1st argument: the prediction" in msg and "2nd argument: the target" in msg, msg


@pytest.mark.parametrize("name, which", DIST_FUNCS, ids=[f"{a}-{b}" for a, b in DIST_FUNCS])
def test_log_probabilities_are_recognised(name, which):
    args, arg = _dist_case(name, which, np.log(GOOD))
    with pytest.raises(ValueError, match=rf"{word(arg)}.*log-probabilities"):
        call(name, *args)
    # a distribution that is wrong in another way gets no such hint
    for bad in (NEG, OFF):
        args, _ = _dist_case(name, which, bad)
        with pytest.raises(ValueError) as info:
            call(name, *args)
        assert "log-probabilities" not in str(info.value)


def test_roles_of_p_and_q_in_information_messages():
    with pytest.raises(ValueError, match=r"\bp \(1st argument: the target distribution\)"):
        lb.cross_entropy(OFF, GOOD)
    with pytest.raises(ValueError, match=r"\bq \(2nd argument: the predicted distribution\)"):
        lb.kl_divergence(GOOD, OFF)


def test_probabilities_that_look_like_logits_or_log_probabilities():
    with pytest.raises(ValueError, match=r"\bprob\b.*binary_cross_entropy_with_logits"):
        lb.binary_cross_entropy([2.0, -1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"\bprob\b.*log-probabilities"):
        lb.binary_cross_entropy(np.log([0.3, 0.5]), [1.0, 0.0])


NUMPY_SCALARS = [
    lambda: lb.huber([1.0], [1.0], delta=np.float64(-1.1)),
    lambda: lb.multiclass_hinge([[1.0, 2.0]], [0], margin=np.float32(-2.5)),
    lambda: lb.softmax_cross_entropy([[1.0, 2.0]], [0], label_smoothing=np.float64(1.5)),
    lambda: lb.entropy([0.5, 0.5], base=np.float64(1.0)),
    lambda: lb.kl_divergence([0.5, 0.5], np.array([0.55, 0.55])),
    lambda: lb.mse([1.0], [1.0], reduction=np.str_("avg")),
    lambda: lb.binary_cross_entropy(np.array([1.1], np.float32), [1.0]),
]


@pytest.mark.parametrize("i", range(len(NUMPY_SCALARS)))
def test_messages_print_plain_numbers(i):
    with pytest.raises(ValueError) as info:
        NUMPY_SCALARS[i]()
    msg = str(info.value)
    assert "np." not in msg and "float64(" not in msg and "float32(" not in msg, msg
    assert any(v in msg for v in ("-1.1", "-2.5", "1.5", "1.0", "1.1", "'avg'")), msg


# ---------------------------------------------------------------- weights (API.md rows)
def _weight_rows():
    x, y = np.zeros((2, 3)), np.array([0, 1])
    rows = []
    for name in LOSS_AND_GRAD:
        args, kw = _valid(name)
        n = np.shape(args[0])[0]
        rows += [(name, args, {**kw, "sample_weight": -np.ones(n)}, ValueError, "sample_weight"),
                 (name, args, {**kw, "sample_weight": np.ones(n + 1)}, ValueError,
                  "sample_weight"),
                 (name, args, {**kw, "sample_weight": np.zeros(n)}, ValueError, "mean")]
    for name in ("softmax_cross_entropy", "softmax_cross_entropy_grad"):
        rows += [(name, (x, y), {"weight": np.array([1.0, -1.0, 1.0])}, ValueError, "weight"),
                 (name, (x, y), {"weight": np.ones(2)}, ValueError, "weight"),
                 (name, (x, np.full((2, 3), 1 / 3)), {"ignore_index": 0}, ValueError,
                  "ignore_index")]
    for name in ("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad"):
        rows += [(name, (np.zeros(2), np.ones(2)), {"pos_weight": 0.0}, ValueError,
                  "pos_weight")]
    return rows


WEIGHT_ROWS = _weight_rows()


@pytest.mark.parametrize("name, args, kw, exc, arg", WEIGHT_ROWS,
                         ids=[f"{r[0]}-{r[4]}-{i}" for i, r in enumerate(WEIGHT_ROWS)])
def test_bad_weights(name, args, kw, exc, arg):
    with pytest.raises(exc, match=word(arg)):
        call(name, *args, **kw)
