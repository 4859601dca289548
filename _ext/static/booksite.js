/* lossbook site behaviour (added to every page by _ext/booksite.py, loaded with defer).

   1. After MathJax has typeset the page, and again whenever the text column changes
      width: a Derivation grid that does not fit side by side gets "lb-stacked" (each
      reason under its step); then every formula wider than its column gets
      "lb-scrolls" (a visible cue, see booksite.css), a tab stop and a title, and
      "lb-scroll-end" once it is scrolled to its end.
   2. Search result snippets: Sphinx builds them from the text of the page, in which a
      formula is raw TeX ("\(\mathrm{KL}(p \,\|\, q)\)"). Formulas are turned into
      plain text before the snippet is cut.
*/
(() => {
  "use strict";

  // ------------------------------------------------------------------ 1. fitting
  const SLACK = 1; // px: rounding of layout widths

  function columnWidth(el) {
    // The content width of the nearest block-level ancestor.
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.display === "inline" || style.display === "contents") continue;
      const pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      return p.clientWidth - pad;
    }
    return window.innerWidth;
  }

  function updateEnd(el) {
    const atEnd = el.scrollLeft + el.clientWidth >= el.scrollWidth - SLACK;
    el.classList.toggle("lb-scroll-end", atEnd);
  }

  function markScroll(el, overflowing) {
    el.classList.toggle("lb-scrolls", overflowing);
    if (overflowing) {
      el.tabIndex = 0; // keyboard users can scroll it too
      el.title = "This formula is wider than the page: scroll sideways to see all of it.";
      if (!el.dataset.lbScrollBound) {
        el.dataset.lbScrollBound = "1";
        el.addEventListener("scroll", () => updateEnd(el), { passive: true });
      }
      updateEnd(el);
    } else if (el.dataset.lbScrollBound) {
      el.removeAttribute("tabindex");
      el.removeAttribute("title");
      el.classList.remove("lb-scroll-end");
    }
  }

  function fit() {
    // Reset, then read every width, then write: three layouts per call, not one per formula.
    for (const el of document.querySelectorAll(".lb-stacked")) el.classList.remove("lb-stacked");
    for (const el of document.querySelectorAll(".lb-scrolls")) markScroll(el, false);
    // Derivations first: stacking changes the width their formulas have.
    const derivations = Array.from(document.querySelectorAll(".lb-derivation"));
    const overflows = (el) => el.scrollWidth > el.clientWidth + SLACK;
    const stack = derivations.filter((d) => overflows(d)
      || Array.from(d.querySelectorAll(":scope > .lb-expr, :scope > .lb-start, :scope > .lb-why"))
        .some(overflows));
    for (const d of stack) d.classList.add("lb-stacked");
    const wide = [];
    for (const c of document.querySelectorAll("mjx-container")) {
      if (!c.getClientRects().length) continue; // not displayed (a closed dropdown)
      const cell = c.closest(".lb-derivation .lb-expr, .lb-derivation .lb-start");
      if (cell) {
        if (cell.scrollWidth > cell.clientWidth + SLACK) wide.push(cell);
      } else if (c.getAttribute("display") === "true") {
        if (c.scrollWidth > c.clientWidth + SLACK) wide.push(c);
      } else if (c.getBoundingClientRect().width > columnWidth(c) + SLACK) {
        wide.push(c);
      }
    }
    // A formula in a box that scrolls as a whole (a table, a cell's output): the box
    // gets the cue.
    for (const c of document.querySelectorAll("mjx-container")) {
      if (!c.getClientRects().length || c.closest(".lb-derivation")) continue;
      for (let e = c.parentElement; e && e !== document.body; e = e.parentElement) {
        const ox = getComputedStyle(e).overflowX;
        if ((ox === "auto" || ox === "scroll") && e.scrollWidth > e.clientWidth + SLACK) {
          const r = c.getBoundingClientRect(), er = e.getBoundingClientRect();
          if (r.right > er.right + SLACK || r.left < er.left - SLACK) wide.push(e);
          break;
        }
      }
    }
    for (const el of new Set(wide)) markScroll(el, true);
    document.documentElement.dataset.lbFitted = String(Date.now());
  }

  let pending = null;
  function refit() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => { pending = null; fit(); });
  }

  function start() {
    const mj = window.MathJax;
    const ready = mj && mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    ready.then(() => {
      fit();
      const main = document.querySelector("main") || document.body;
      if (window.ResizeObserver) new ResizeObserver(refit).observe(main);
      else window.addEventListener("resize", refit);
      // Opening a dropdown (a solution, a hidden cell) shows formulas measured as hidden.
      document.addEventListener("click", () => setTimeout(refit, 50));
    }).catch(() => {});
  }
  window.lbFit = fit; // used by tests/test_site.py after changing the viewport

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);

  // ------------------------------------------------------------------ 2. search
  const GREEK = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε",
    zeta: "ζ", eta: "η", theta: "θ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
    rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ",
    omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Pi: "Π", Sigma: "Σ",
    Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  };
  const SYMBOLS = {
    sum: "Σ", prod: "Π", int: "∫", infty: "∞", le: "≤", leq: "≤", ge: "≥", geq: "≥",
    ne: "≠", neq: "≠", approx: "≈", cdot: "·", times: "×", to: "→", rightarrow: "→",
    Rightarrow: "⇒", mid: "|", partial: "∂", nabla: "∇", in: "∈", top: "ᵀ", ldots: "…",
    cdots: "…", dots: "…", pm: "±", propto: "∝", sim: "~", log: "log", exp: "exp",
    max: "max", min: "min", arg: "arg", lim: "lim",
  };

  /** A readable plain-text form of a TeX formula (for search snippets only). */
  function texToText(tex) {
    let s = tex.replace(/^\s*(\\\(|\\\[|\$\$?)|(\\\)|\\\]|\$\$?)\s*$/g, "");
    s = s.replace(/\\begin\{[^}]*\}|\\end\{[^}]*\}/g, " ");
    for (let i = 0; i < 4; i++) {
      s = s.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)");
      s = s.replace(/\\(?:mathrm|operatorname|mathbf|mathit|boldsymbol|text|textbf|mathcal|mathbb|bar|hat|tilde|vec)\s*\{([^{}]*)\}/g, "$1");
      s = s.replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)");
    }
    s = s.replace(/\\left|\\right|\\big+l?|\\Big+l?|\\limits|\\nolimits|\\displaystyle|\\textstyle/g, "");
    s = s.replace(/\\[,;:! ]|\\quad|\\qquad|~/g, " ");
    s = s.replace(/\\\\|&/g, " ");
    s = s.replace(/\\\|/g, "‖").replace(/\\\{/g, "{").replace(/\\\}/g, "}");
    s = s.replace(/\\([A-Za-z]+)/g, (_, name) => GREEK[name] || SYMBOLS[name] || name);
    s = s.replace(/[{}]/g, "").replace(/\\/g, "");
    return s.replace(/\s+/g, " ").trim();
  }
  window.lbTexToText = texToText;

  function patchSearch() {
    let search;
    try {
      // eslint-disable-next-line no-undef
      search = Search; // searchtools.js: a global const, not a property of window
    } catch (e) {
      return;
    }
    if (!search || !search.htmlToText || search.htmlToText.lbPatched) return;
    const original = search.htmlToText;
    const patched = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      for (const el of doc.querySelectorAll(".math, .lb-math, mjx-container, script[type^='math/']")) {
        el.replaceWith(doc.createTextNode(` ${texToText(el.textContent)} `));
      }
      return original(doc.documentElement.outerHTML, anchor);
    };
    patched.lbPatched = true;
    search.htmlToText = patched;
  }
  patchSearch();
})();
