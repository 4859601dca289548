r"""The book's figure style and the plots that recur across chapters.

Every figure in the book goes through this module so that all of them share one
look (size, fonts, grid, colours) and so that re-executing a notebook produces the
same image bytes: :func:`use_style` fixes the SVG hash salt and drops date
metadata, and the helpers draw nothing random.

Typical use in a chapter::

    from lossbook import plotting
    plotting.use_style()
    xs = np.linspace(-4, 4, 401)
    plotting.plot_functions(xs, {"sigmoid": lb.sigmoid(xs)}, xlabel="$x$", ylabel="$y$");

The helpers only draw: the values they plot are computed by the caller with the
library (chapters never re-implement a formula here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "STYLE",
    "COLORS",
    "COLOR_OF",
    "use_style",
    "new_figure",
    "plot_functions",
    "plot_residuals",
    "plot_points",
    "mark_point",
    "figure_png",
    "plot_decision_regions",
]

#: A colour-blind-safe cycle (Okabe and Ito, 2008), readable in greyscale print
#: because the helpers also vary the line style.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: The colour of each quantity that recurs across chapters, the same in every figure:
#: a reader who met cross-entropy in blue and KL in orange finds them so everywhere.
COLOR_OF = {
    "cross-entropy": COLORS[0],   # also the log loss and binary cross-entropy
    "squared": COLORS[1],         # squared error
    "entropy": COLORS[2],
    "reverse-kl": COLORS[3],      # KL(q || p)
    "kl": COLORS[4],              # KL(p || q)
}

_LINESTYLES = ("-", "--", "-.", ":")

#: The rcParams applied by :func:`use_style`.
#:
#: Sizes are chosen for a phone: a 4.8 in wide figure shown across a 390 px screen's
#: text column (358 CSS px) draws a 16 pt font at about 16.6 CSS px, the size of the
#: book's body text, so legends and tick labels are never smaller than the text around
#: them. On a desktop the figure is shown at 96 dpi (about 460 CSS px wide); notebooks
#: store it at twice that resolution (IPython's "retina" PNG: 192 dpi, with its display
#: size in the output metadata), so it is sharp on 2x screens too.
STYLE: dict[str, object] = {
    "figure.figsize": (4.8, 3.2),
    "figure.dpi": 96,
    "savefig.dpi": 192,
    "figure.autolayout": True,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 16,
    "axes.titlesize": 17,
    "axes.labelsize": 16,
    "legend.fontsize": 16,
    "xtick.labelsize": 16,
    "ytick.labelsize": 16,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "legend.handlelength": 1.6,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS)),
    "legend.frameon": False,
    "svg.hashsalt": "lossbook",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "mathtext.fontset": "dejavusans",
    "image.cmap": "viridis",
}

def use_style() -> None:
    """Apply the book's matplotlib style (:data:`STYLE`) globally.

    Also asks the notebook backend (if one is active) for "retina" PNG output
    (twice ``figure.dpi``, displayed at its 1x size) without date metadata, so stored
    outputs are sharp on 2x screens and byte-for-byte reproducible. Calling it twice
    is harmless. Prints nothing.
    """
    plt.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always present in the book env
        return
    ip = get_ipython()
    if ip is not None and hasattr(ip, "kernel"):  # a notebook kernel: PNG inline
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina", metadata={"Software": None})


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None,
               height: float | None = None, **kwargs):
    """Create a figure in the book's style and return ``(fig, ax)``.

    ``ax`` is a single Axes for a 1x1 grid and an array of Axes otherwise (as
    :func:`matplotlib.pyplot.subplots` with ``squeeze=True``). ``width`` and
    ``height`` (inches) default to the style's size, widened for extra columns.
    Extra keyword arguments go to :func:`~matplotlib.pyplot.subplots`.
    """
    w0, h0 = STYLE["figure.figsize"]
    if width is None:
        width = w0 if ncols == 1 else min(w0 * ncols * 0.75, 11.0)
    if height is None:
        height = h0 if nrows == 1 else h0 * nrows * 0.8
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def _finish(ax, xlabel, ylabel, title, legend=True, loc="best"):
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc=loc)
    return ax


def plot_functions(xs, curves: Mapping[str, Sequence[float]], *, xlabel: str | None = "$x$",
                   ylabel: str | None = None, title: str | None = None, ax=None,
                   ylim: tuple[float, float] | None = None, styles: Sequence[str] | None = None):
    """Plot several curves ``{label: ys}`` over the same abscissae ``xs``.

    Each curve gets the next colour and line style of the book's cycle, so the
    figure stays readable in greyscale. ``ys`` must have the shape of ``xs``.
    Non-finite values (for example ``-log(0) = inf``) leave a gap. Returns the
    Axes; a new figure is made when ``ax`` is None.
    """
    xs = np.asarray(xs, dtype=float)
    if ax is None:
        _, ax = new_figure()
    for i, (label, ys) in enumerate(curves.items()):
        ys = np.asarray(ys, dtype=float)
        if ys.shape != xs.shape:
            raise ValueError(f"curve {label!r}: ys has shape {ys.shape}, xs has {xs.shape}")
        ls = styles[i] if styles is not None else _LINESTYLES[i % len(_LINESTYLES)]
        ax.plot(xs, np.where(np.isfinite(ys), ys, np.nan), ls, label=label,
                color=COLORS[i % len(COLORS)])
    if ylim is not None:
        ax.set_ylim(*ylim)
    return _finish(ax, xlabel, ylabel, title)


def plot_points(xs, ys, *, label: str | None = None, ax=None, color: str | None = None,
                marker: str = "o", xlabel: str | None = None, ylabel: str | None = None,
                title: str | None = None):
    """Scatter the data points ``(xs, ys)`` (hollow markers); returns the Axes."""
    if ax is None:
        _, ax = new_figure()
    ax.plot(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), marker, linestyle="none",
            markerfacecolor="none", color=color or COLORS[0], label=label)
    return _finish(ax, xlabel, ylabel, title)


def plot_residuals(xs, ys, fitted, *, ax=None, xlabel: str | None = "$x$",
                   ylabel: str | None = "$y$", title: str | None = None,
                   data_label: str = "data", fit_label: str = "fit",
                   residual_label: str = "residual", legend_loc: str = "upper left"):
    """Draw data, a fitted curve and the residuals between them.

    ``xs``, ``ys`` and ``fitted`` are 1-D arrays of the same length: the inputs,
    the observed targets and the model's predictions at ``xs``. The fit is drawn
    as a line through the points sorted by ``xs``; each residual
    :math:`y_i - \\hat y_i` as a vertical segment. The legend goes to ``legend_loc``
    (matplotlib's names; the default corner is empty when the fit rises, and "best"
    lets matplotlib choose, which may cover the data). Returns the Axes.
    """
    xs, ys, fitted = (np.asarray(a, dtype=float) for a in (xs, ys, fitted))
    if not (xs.shape == ys.shape == fitted.shape and xs.ndim == 1):
        raise ValueError(
            f"xs, ys, fitted must be 1-D of one length; got {xs.shape}, {ys.shape}, {fitted.shape}"
        )
    if ax is None:
        _, ax = new_figure()
    order = np.argsort(xs, kind="stable")
    ax.vlines(xs, fitted, ys, colors=COLORS[1], linestyles=":", linewidth=1.5,
              label=residual_label)
    ax.plot(xs[order], fitted[order], "-", color=COLORS[0], label=fit_label)
    plot_points(xs, ys, ax=ax, color="black", label=data_label)
    return _finish(ax, xlabel, ylabel, title, loc=legend_loc)


def mark_point(ax, x: float, y: float, text: str | None = None, *, color: str = "black",
               offset: tuple[float, float] = (8, 8)):
    """Mark one point ``(x, y)`` with a dot and an optional text label; returns ``ax``."""
    ax.plot([x], [y], "o", color=color, zorder=5)
    if text:
        ax.annotate(text, (x, y), textcoords="offset points", xytext=offset)
    return ax


def figure_png(fig) -> bytes:
    """Render ``fig`` to PNG bytes with the book's settings (no date metadata).

    Used by the tests to check that a figure renders identically twice.
    """
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def plot_decision_regions(X, labels, predict, *, colors: Sequence[str], ax=None,
                          class_names: Sequence[str] | None = None, resolution: int = 300,
                          pad: float = 0.6, alpha: float = 0.16, xlabel: str | None = "$x_1$",
                          ylabel: str | None = "$x_2$", title: str | None = None):
    """Shade the plane by a classifier's decision and scatter the labelled points.

    ``X`` has shape ``(n, 2)`` and ``labels`` integer classes ``0 .. K-1``;
    ``predict(grid)`` is the caller's classifier: it maps an ``(m, 2)`` array of points
    to ``m`` class indices. The grid spans the data with a margin ``pad``; region ``k``
    and the points of class ``k`` get ``colors[k]`` (one marker shape a class, so the
    classes stay apart in greyscale). Returns the Axes.
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    if X.ndim != 2 or X.shape[1] != 2 or labels.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, 2) and labels (n,); got {X.shape} and {labels.shape}")
    k = int(labels.max()) + 1
    if len(colors) < k:
        raise ValueError(f"colors needs {k} entries, got {len(colors)}")
    if ax is None:
        _, ax = new_figure()
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    decided = np.asarray(predict(np.column_stack([g1.ravel(), g2.ravel()])))
    decided = decided.reshape(g1.shape)
    from matplotlib.colors import ListedColormap

    ax.contourf(g1, g2, decided, levels=np.arange(k + 1) - 0.5,
                cmap=ListedColormap(list(colors[:k])), alpha=alpha)
    ax.contour(g1, g2, decided, levels=np.arange(k) + 0.5, colors="black", linewidths=1.2)
    markers = ("o", "s", "^", "D", "v", "P")
    for c in range(k):
        name = class_names[c] if class_names is not None else f"class {c}"
        plot_points(X[labels == c, 0], X[labels == c, 1], ax=ax, color=colors[c],
                    marker=markers[c % len(markers)], label=name)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    return _finish(ax, xlabel, ylabel, title)
