"""What the site offers for download: the lossbook wheel, the notebook bundle, the PDF.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. When the HTML build
finishes, ``_build/html/downloads/`` receives

- ``lossbook-<version>-py3-none-any.whl``, built from this checkout
  (``pip wheel --no-deps --no-build-isolation``, with the build environment's setuptools);
- ``lossbook-notebooks.zip``: every chapter notebook, the wheel, a ``requirements.txt``
  (the pins of ``requirements-lab.lock`` plus the wheel: numpy, SymPy, matplotlib,
  ipykernel, JupyterLab with jupyterlab-myst) and a ``README.txt``; on a machine with only
  Python, ``python -m pip install -r requirements.txt`` in the unzipped folder installs
  everything, ``jupyter lab`` opens the notebooks;
- ``lossbook.pdf`` when ``make pdf`` has built ``_build/latex/lossbook.pdf``.

``{downloads}`` (in ``intro.md``) renders the list of links; the PDF's link appears once
the PDF exists (``make pdf`` rebuilds the site at its end).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup", "BUNDLE", "PDF"]

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = "lossbook-notebooks.zip"
PDF = "lossbook.pdf"
LAB_LOCK = ROOT / "requirements-lab.lock"
# A fixed time stamp for the files in the zip: the same checkout gives the same bundle.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"]


def wheel_name() -> str:
    return f"lossbook-{_version()}-py3-none-any.whl"


def pdf_source(root: Path = ROOT) -> Path:
    return root / "_build" / "latex" / PDF


class downloads_list(nodes.General, nodes.Element):
    """Placeholder for the list of downloads."""


class DownloadsDirective(SphinxDirective):
    has_content = False

    def run(self):
        return [downloads_list("")]


def _link(uri: str, text: str, note: str) -> nodes.list_item:
    para = nodes.paragraph()
    para += nodes.reference("", "", nodes.strong("", text), refuri=uri, internal=True)
    para += nodes.Text(f" — {note}")
    return nodes.list_item("", para)


def fill_downloads(app: Sphinx, doctree, fromdocname: str) -> None:
    if app.builder.format != "html":
        for node in list(doctree.findall(downloads_list)):
            node.replace_self(nodes.paragraph("", "The wheel, the notebook bundle and this PDF "
                                                  "are offered on the book's website."))
        return
    prefix = app.builder.get_target_uri(fromdocname).count("/") * "../" + "downloads/"
    for node in list(doctree.findall(downloads_list)):
        items = nodes.bullet_list()
        items += _link(prefix + BUNDLE, BUNDLE, "every chapter as a notebook, the library "
                       "and a requirements.txt: unzip, then python -m pip install -r "
                       "requirements.txt and jupyter lab")
        items += _link(prefix + wheel_name(), wheel_name(), "the lossbook library alone "
                       "(python -m pip install lossbook-…whl; needs numpy, SymPy, matplotlib)")
        if pdf_source().is_file():
            items += _link(prefix + PDF, PDF, "the whole book for print and offline reading, "
                           "solutions in an appendix")
        else:
            items += nodes.list_item("", nodes.paragraph(
                "", "The whole book as a PDF is built by make pdf and then linked here."))
        node.replace_self(items)


def build_wheel(dest: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
               "--no-build-isolation", "-w", tmp, str(ROOT)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wheels = list(Path(tmp).glob("lossbook-*.whl"))
        if proc.returncode != 0 or len(wheels) != 1:
            raise RuntimeError(f"building the lossbook wheel failed:\n{proc.stdout}{proc.stderr}")
        # setuptools leaves its build/ and *.egg-info folders in the source tree.
        shutil.rmtree(ROOT / "build", ignore_errors=True)
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / wheels[0].name
        shutil.copyfile(wheels[0], target)
        return target


def requirements_txt(wheel: Path) -> str:
    pins = [line.strip() for line in LAB_LOCK.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    head = ("# Everything the notebooks need, pinned (from requirements-lab.lock), and the\n"
            "# lossbook library itself. In this folder: python -m pip install -r "
            "requirements.txt\n")
    return head + "\n".join(pins) + f"\n./{wheel.name}\n"


README = """Loss Functions, Checked: the chapters as Jupyter notebooks.

With Python 3.11 or newer, in this folder (a virtual environment is a good idea:
python -m venv .venv and activate it first):

    python -m pip install -r requirements.txt
    jupyter lab

requirements.txt pins numpy, SymPy, matplotlib, ipykernel, JupyterLab and
jupyterlab-myst (which renders the book's MyST markup: citations, equation labels,
exercises; solutions stay folded until clicked), and installs the lossbook wheel
shipped here. Each notebook's first cell says the same.
"""


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def build_bundle(dest: Path, wheel: Path) -> Path:
    target = dest / BUNDLE
    folder = "lossbook-notebooks/"
    with zipfile.ZipFile(target, "w") as zf:
        for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
            _add(zf, folder + nb.name, nb.read_bytes())
        _add(zf, folder + wheel.name, wheel.read_bytes())
        _add(zf, folder + "requirements.txt", requirements_txt(wheel).encode())
        _add(zf, folder + "README.txt", README.encode())
    return target


def write_downloads(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / "downloads"
    wheel = build_wheel(dest)
    build_bundle(dest, wheel)
    if pdf_source().is_file():
        shutil.copyfile(pdf_source(), dest / PDF)


def setup(app: Sphinx) -> dict:
    app.add_node(downloads_list)
    app.add_directive("downloads", DownloadsDirective)
    app.connect("doctree-resolved", fill_downloads)
    app.connect("build-finished", write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
