"""Back matter of the lossbook site: index entries, a list of statements, citation labels.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. Four jobs:

1. **Index entries without editing chapters.** Every titled statement of sphinx-proof
   (``{prf:definition} Entropy``, ``{prf:theorem} Gibbs' inequality``, ...) becomes a
   main entry of the general index (genindex), pointing at the statement. Terms that
   a chapter defines in prose are added with MyST's ``{index}`` directive or role in
   the chapter itself (see README, "Index entries"); for pages one may not edit,
   ``_ext/index_terms.yml`` maps ``term: docname#anchor`` and the entry is put at
   that anchor.
2. **A list of statements with their titles.** ``{statement-list}`` (used by
   ``backmatter/statements.md``) renders every numbered sphinx-proof statement as
   "Definition 3.2 Kullback-Leibler divergence", grouped by chapter, each a link.
   sphinx-proof's own "Proof Index" lists raw labels (``def-kl``), so it is turned
   off (``html_domain_indices: false`` in ``_config.yml``).
3. **The chapters on the landing page.** ``{chapter-list}`` (in ``intro.md``) lists
   every numbered chapter of ``_toc.yml`` in order, number, title and link, with one
   line from ``_ext/chapters.yml`` (or the first sentence of the chapter): a new
   chapter appears there as soon as it is in the table of contents.
4. **One citation style.** In the text a citation reads "Heinzer, 2020"
   (``bibtex_reference_style: author_year``); the reference list used numbers
   ([1], [2], ...). The pybtex style ``lossbook`` (``bibtex_default_style``) labels
   each entry with the same author-year text, so a reader finds "[Heinzer, 2020]"
   in the list. tests/test_site.py compares every citation with its entry's label.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup", "plain_title"]

HERE = Path(__file__).resolve().parent
TERMS_FILE = HERE / "index_terms.yml"
logger = logging.getLogger(__name__)

# ------------------------------------------------------------------ plain text of a title
_TEX_WORDS = {"mathrm": "", "operatorname": "", "text": "", "mathbf": "", "mathcal": ""}
_TEX_SYMBOLS = {"sigma": "σ", "mu": "μ", "log": "log", "exp": "exp", "ell": "ℓ",
                "mathrm{KL}": "KL", "|": "‖", "lambda": "λ", "theta": "θ"}


def plain_title(node: nodes.Node) -> str:
    """The text of a title with its math turned into plain words (for the index)."""
    parts = []
    for child in node.findall(nodes.Text):
        text = str(child)
        if isinstance(child.parent, nodes.math):
            text = re.sub(r"\\(mathrm|operatorname|text|mathbf|mathcal)\s*\{([^{}]*)\}",
                          r"\2", text)
            text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)),
                          text)
            text = re.sub(r"[{}\\]", "", text)
        parts.append(text)
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    # sphinx-proof wraps a title in " (%t)" (proof_title_format): unwrap it once.
    wrapped = re.fullmatch(r"\((.*)\)", text)
    return wrapped.group(1).strip() if wrapped else text


# ------------------------------------------------------------------ 1. index entries
def _proof_nodes(doctree):
    """sphinx-proof's statement nodes (definition_node, theorem_node, ...) of a doctree."""
    try:
        from sphinx_proof.nodes import NODE_TYPES, unenumerable_node
    except ImportError:  # pragma: no cover - sphinx-proof is always loaded by the book
        return []
    kinds = tuple(NODE_TYPES.values()) + (unenumerable_node,)
    return list(doctree.findall(lambda n: isinstance(n, kinds) and "realtype" in n))


def _index_node(term: str, target_id: str, main: bool = True) -> addnodes.index:
    node = addnodes.index()
    node["entries"] = [("single", term, target_id, "main" if main else "", None)]
    node["inline"] = False
    return node


def _terms() -> dict[str, str]:
    if not TERMS_FILE.is_file():
        return {}
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{TERMS_FILE}: expected a mapping 'term: docname#anchor'")
    return {str(k): str(v) for k, v in data.items()}


class IndexStatements(SphinxTransform):
    """Index every titled statement, and the terms of index_terms.yml found in this doc.

    A transform rather than a ``doctree-read`` handler: Sphinx's index domain collects
    the index nodes of a document in its SphinxDomains transform (priority 850), which
    runs before ``doctree-read`` is emitted.
    """

    default_priority = 840

    def apply(self, **kwargs) -> None:
        add_index_entries(self.app, self.document)


def add_index_entries(app: Sphinx, doctree) -> None:
    env = app.env
    if not hasattr(env, "lb_statements"):
        env.lb_statements = {}
    statements = env.lb_statements.setdefault(env.docname, {})
    for node in _proof_nodes(doctree):
        title = node.next_node(nodes.title)
        term = plain_title(title) if title is not None else ""
        label = node.get("label", "")
        kind = node.get("realtype", "")
        if not node.get("ids"):
            continue
        statements[label] = {"title": term, "kind": kind, "countertype":
                             node.get("countertype", kind), "id": node["ids"][0]}
        if term:
            # Just before the statement (whose first child must stay its title), pointing
            # at it; a second entry lists it under its kind ("definitions; Entropy").
            at = node.parent.index(node)
            node.parent.insert(at, _index_node(f"{kind}s; {term}", node["ids"][0], main=False))
            node.parent.insert(at, _index_node(term, node["ids"][0]))
    for term, where in _terms().items():
        docname, _, anchor = where.partition("#")
        if docname != env.docname:
            continue
        target = next((n for n in doctree.findall(nodes.Element) if anchor in n.get("ids", ())),
                      None)
        if target is None:
            logger.warning("index_terms.yml: no anchor %r in %s (term %r)", anchor, docname,
                           term, location=docname)
            continue
        first_is_title = len(target) and isinstance(target[0], nodes.title)
        target.insert(1 if first_is_title else 0, _index_node(term, anchor))


def purge(app: Sphinx, env, docname: str) -> None:
    env.lb_statements.pop(docname, None)


def merge(app: Sphinx, env, docnames, other) -> None:
    for docname in docnames:
        if docname in getattr(other, "lb_statements", {}):
            env.lb_statements[docname] = other.lb_statements[docname]


def init_env(app: Sphinx, env, docnames) -> None:
    if not hasattr(env, "lb_statements"):
        env.lb_statements = {}


# ------------------------------------------------------------------ 2. statement list
class statement_list(nodes.General, nodes.Element):
    """Placeholder, filled in when every statement's number is known."""


class StatementListDirective(SphinxDirective):
    """``{statement-list}``: every numbered definition, theorem, ... of the book."""

    has_content = False

    def run(self):
        return [statement_list("")]


def _number(env, docname: str, countertype: str, label: str) -> str:
    numbers = env.toc_fignumbers.get(docname, {}).get(countertype, {}).get(label)
    return ".".join(map(str, numbers)) if numbers else ""


def fill_statement_lists(app: Sphinx, doctree, fromdocname: str) -> None:
    env = app.env
    for placeholder in list(doctree.findall(statement_list)):
        content = []
        for docname in _doc_order(env):
            statements = env.lb_statements.get(docname) or {}
            if not statements:
                continue
            items = nodes.bullet_list(classes=["lb-statements"])
            for label, info in statements.items():
                number = _number(env, docname, info["countertype"], label)
                para = nodes.paragraph()
                ref = nodes.reference("", "", internal=True)
                try:
                    ref["refuri"] = app.builder.get_relative_uri(fromdocname, docname) + \
                        "#" + info["id"]
                except Exception:  # noqa: BLE001 - builders without URIs (e.g. latex)
                    ref["refid"] = info["id"]
                kind = info["kind"].capitalize()
                ref += nodes.strong("", f"{kind} {number}".strip())
                para += ref
                if info["title"]:
                    para += nodes.Text(f"  {info['title']}")
                items += nodes.list_item("", para)
            heading = nodes.paragraph()
            heading += nodes.strong("", _doc_title(env, docname))
            content += [heading, items]
        if not content:
            content = [nodes.paragraph("", "The book has no numbered statements yet.")]
        placeholder.replace_self(content)


def _doc_order(env) -> list[str]:
    """Documents in reading order (the master toctree's), then any others."""
    order = []

    def walk(doc):
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order + sorted(set(env.lb_statements) - set(order))


def _doc_title(env, docname: str) -> str:
    title = env.titles.get(docname)
    text = title.astext() if title is not None else docname
    numbers = env.toc_secnumbers.get(docname, {}).get("")
    return f"{'.'.join(map(str, numbers))} {text}" if numbers else text


# ------------------------------------------------------------------ 2b. chapter list
CHAPTERS_FILE = HERE / "chapters.yml"


class chapter_list(nodes.General, nodes.Element):
    """Placeholder for the landing page's list of chapters."""


class ChapterListDirective(SphinxDirective):
    """``{chapter-list}``: every numbered chapter of the toc, one line each."""

    has_content = False

    def run(self):
        return [chapter_list("")]


def _first_sentence(env, docname: str) -> str:
    try:
        doctree = env.get_doctree(docname)
    except Exception:  # noqa: BLE001 - a page not read yet: no summary
        return ""
    para = next(iter(doctree.findall(nodes.paragraph)), None)
    text = para.astext() if para is not None else ""
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def fill_chapter_lists(app: Sphinx, doctree, fromdocname: str) -> None:
    env = app.env
    lines = yaml.safe_load(CHAPTERS_FILE.read_text(encoding="utf-8")) if \
        CHAPTERS_FILE.is_file() else {}
    for placeholder in list(doctree.findall(chapter_list)):
        items = nodes.bullet_list(classes=["lb-chapter-list"])
        for docname in _doc_order(env):
            numbers = env.toc_secnumbers.get(docname, {}).get("")
            if not numbers or docname == fromdocname:
                continue
            para = nodes.paragraph()
            ref = nodes.reference("", "", internal=True,
                                  refuri=app.builder.get_relative_uri(fromdocname, docname))
            title = env.titles[docname].astext()
            ref += nodes.strong("", f"{'.'.join(map(str, numbers))} {title}")
            para += ref
            line = (lines or {}).get(docname) or _first_sentence(env, docname)
            if line:
                para += nodes.Text(f" — {line}")
            items += nodes.list_item("", para)
        placeholder.replace_self(items)


# ------------------------------------------------------------------ 3. citation labels
def _register_pybtex_style() -> None:
    import latexcodec  # noqa: F401 - registers the "ulatex" codec
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        """Labels "Heinzer, 2020", "Cover and Thomas, 2006", "Blanchard et al., 2021"."""

        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [" ".join(p.prelast_names + p.last_names) for p in people]
                # LaTeX accents as the reader sees them (M\"uller -> Müller), no braces
                names = [re.sub(r"[{}]", "", codecs.decode(n, "ulatex")) for n in names]
                if not names:
                    who = "Anonymous"
                elif len(names) == 1:
                    who = names[0]
                elif len(names) == 2:
                    who = f"{names[0]} and {names[1]}"
                else:
                    who = f"{names[0]} et al."
                yield f"{who}, {entry.fields.get('year', 'n.d.')}"

    class LossbookStyle(PlainStyle):
        """pybtex's plain style, sorted by author and year, labelled by author and year."""

        default_label_style = "lossbook_author_year"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "lossbook_author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "lossbook", LossbookStyle)


def setup(app: Sphinx) -> dict:
    _register_pybtex_style()
    app.add_node(statement_list)
    app.add_directive("statement-list", StatementListDirective)
    app.add_node(chapter_list)
    app.add_directive("chapter-list", ChapterListDirective)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.add_transform(IndexStatements)
    app.connect("doctree-resolved", fill_statement_lists)
    app.connect("doctree-resolved", fill_chapter_lists)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
