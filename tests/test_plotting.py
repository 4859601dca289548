"""The book's figure style and plot helpers: style applied, labels set, output deterministic."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossbook import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _style():
    with matplotlib.rc_context():
        plotting.use_style()
        yield
    plt.close("all")


def test_use_style_sets_the_book_rcparams():
    assert tuple(plt.rcParams["figure.figsize"]) == plotting.STYLE["figure.figsize"]
    assert plt.rcParams["figure.dpi"] == plotting.STYLE["figure.dpi"]
    assert plt.rcParams["xtick.labelsize"] == plotting.STYLE["xtick.labelsize"]
    assert plt.rcParams["svg.hashsalt"] == "lossbook"
    assert plt.rcParams["axes.grid"] is True
    assert plt.rcParams["figure.autolayout"] is True
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.lower() for c in colors] == [c.lower() for c in plotting.COLORS]


def test_new_figure_single_and_grid():
    fig, ax = plotting.new_figure()
    assert tuple(fig.get_size_inches()) == plotting.STYLE["figure.figsize"]
    assert hasattr(ax, "plot")
    fig2, axes = plotting.new_figure(1, 2)
    assert axes.shape == (2,)
    assert fig2.get_size_inches()[0] > plotting.STYLE["figure.figsize"][0]


def test_plot_functions_draws_each_curve_with_labels():
    xs = np.linspace(-2, 2, 11)
    ax = plotting.plot_functions(xs, {"a": xs, "b": xs**2}, xlabel="$x$", ylabel="$y$",
                                 title="t")
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[1].get_ydata(), xs**2)
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$y$" and ax.get_title() == "t"
    assert ax.get_legend() is not None


def test_plot_functions_leaves_gaps_at_infinities():
    xs = np.array([0.0, 0.5, 1.0])
    with np.errstate(divide="ignore"):
        ys = -np.log(xs)
    ax = plotting.plot_functions(xs, {"-log": ys})
    y = ax.get_lines()[0].get_ydata()
    assert np.isnan(y[0]) and np.isfinite(y[1:]).all()


def test_plot_functions_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_functions(np.arange(3.0), {"bad": np.arange(4.0)})


def test_plot_residuals_draws_data_fit_and_segments():
    xs = np.array([2.0, 0.0, 1.0])
    ys = np.array([1.0, 0.5, 2.0])
    fit = np.array([1.5, 0.0, 1.0])
    ax = plotting.plot_residuals(xs, ys, fit)
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels == ["fit", "data"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0.0, 1.0, 2.0])
    segs = ax.collections[0].get_segments()
    assert len(segs) == 3
    with pytest.raises(ValueError, match="1-D"):
        plotting.plot_residuals(xs, ys, fit[:2])


def test_mark_point_annotates():
    _, ax = plotting.new_figure()
    plotting.mark_point(ax, 1.0, 2.0, "here")
    assert ax.texts[0].get_text() == "here"


def test_figures_render_byte_for_byte_the_same():
    def draw():
        xs = np.linspace(-3, 3, 61)
        ax = plotting.plot_functions(xs, {"relu": np.maximum(xs, 0), "x": xs})
        plotting.mark_point(ax, 0.0, 0.0, "origin")
        png = plotting.figure_png(ax.figure)
        plt.close(ax.figure)
        return png

    first, second = draw(), draw()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second
