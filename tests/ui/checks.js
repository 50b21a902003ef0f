// Layout and content checks the browser test runs inside JupyterLab (tests/ui/test_lab.py).
// Each function returns a list of problems as sentences; an empty list means the check passed.
// Selectors use the engine's classes (pm-*), never lesson text, so lessons can change freely.
({
  visible(el) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  },

  // Options wrap without overlapping, keep their radio circle or tick box visible and
  // clickable, and no label is cut off ("Sequentia…").
  layout(scope) {
    const out = [];
    const root = scope ? document.querySelector(scope) : document;
    if (!root) return out;
    const boxes = [...root.querySelectorAll(".pm-exercise")].filter((b) => this.visible(b));
    for (const box of boxes) {
      box.scrollIntoView({ block: "start" });
      const groups = box.querySelectorAll(".widget-radio-box, .pm-memo-evidence, .pm-answer");
      for (const g of groups) {
        const labels = [
          ...g.querySelectorAll(":scope > label, .widget-checkbox label.widget-label-basic"),
        ].filter((l) => this.visible(l) && l.querySelector("input"));
        const rects = labels.map((l) => l.getBoundingClientRect());
        for (let i = 0; i < rects.length; i++) {
          for (let j = i + 1; j < rects.length; j++) {
            const a = rects[i], b = rects[j];
            const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (dx > 1 && dy > 1) out.push(`options overlap: "${labels[i].innerText}" / "${labels[j].innerText}"`);
          }
        }
        for (const l of labels) {
          l.scrollIntoView({ block: "center" });
          const input = l.querySelector("input");
          const r = input.getBoundingClientRect();
          const text = l.innerText.trim();
          if (r.width < 8 || r.height < 8) out.push(`control hidden: "${text}"`);
          const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
          if (hit && hit !== input && !l.contains(hit)) out.push(`control covered: "${text}" by ${hit.tagName}.${[...hit.classList].join(".")} at ${Math.round(r.top)}`);
          for (const t of [l, ...l.querySelectorAll("span")]) {
            if (t.scrollWidth > t.clientWidth + 1) out.push(`option cut: "${text}"`);
          }
          if (l.getBoundingClientRect().right > box.getBoundingClientRect().right + 1) {
            out.push(`option runs out of its box: "${text}"`);
          }
        }
      }
      for (const lab of box.querySelectorAll(".widget-label")) {
        if (this.visible(lab) && lab.scrollWidth > lab.clientWidth + 1) {
          out.push(`label cut: "${lab.innerText}"`);
        }
      }
    }
    return out;
  },

  // Prompts show rendered Markdown, not backticks or asterisks.
  markdown() {
    const out = [];
    const prompts = [...document.querySelectorAll(".pm-exercise .pm-prompt")].filter((p) => this.visible(p));
    for (const p of prompts) {
      const t = p.innerText;
      if (t.includes("`") || t.includes("**")) out.push(`raw Markdown in a prompt: "${t.slice(0, 80)}"`);
    }
    return out;
  },

  promptsWithCode() {
    return document.querySelectorAll(".pm-exercise .pm-prompt code").length;
  },

  // Every face of one question (its widget, its check() outputs) shows the same status.
  oneStatus() {
    const by = {};
    for (const el of document.querySelectorAll(".pm-outcome[data-exercise]")) {
      if (!this.visible(el)) continue;
      const status = [...el.classList].find((c) => c.startsWith("pm-outcome-"));
      (by[el.dataset.exercise] ||= new Set()).add(status);
    }
    return Object.entries(by)
      .filter(([, s]) => s.size > 1)
      .map(([id, s]) => `${id} shows ${[...s].join(" and ")}`);
  },

  statusOf(id) {
    return [...document.querySelectorAll(`.pm-outcome[data-exercise="${id}"]`)]
      .filter((el) => this.visible(el))
      .map((el) => [...el.classList].find((c) => c.startsWith("pm-outcome-")));
  },

  // A finished job never leaves a red (failed) progress bar behind.
  redBars() {
    return [...document.querySelectorAll(".progress-bar-danger")]
      .filter((b) => this.visible(b))
      .map((b) => `red progress bar: ${b.closest(".jp-OutputArea-output")?.innerText.slice(0, 80)}`);
  },

  // Dashboards: whole labels, sliders with room to slide, charts whose text stays inside, and
  // no sentence printed as text that the result card below already shows.
  dashboards() {
    const out = [];
    for (const d of [...document.querySelectorAll(".pm-dashboard")].filter((x) => this.visible(x))) {
      d.scrollIntoView({ block: "start" });
      for (const lab of d.querySelectorAll(".widget-label")) {
        if (this.visible(lab) && lab.scrollWidth > lab.clientWidth + 1) out.push(`control label cut: "${lab.innerText}"`);
      }
      for (const s of d.querySelectorAll(".widget-hslider .slider-container")) {
        if (this.visible(s) && s.getBoundingClientRect().width < 120) {
          const name = s.closest(".widget-hslider").querySelector(".widget-label")?.innerText;
          out.push(`slider squeezed to ${Math.round(s.getBoundingClientRect().width)} px: "${name}"`);
        }
      }
      const printed = [...d.querySelectorAll('[data-mime-type="application/vnd.jupyter.stdout"]')]
        .flatMap((p) => p.innerText.split("\n"))
        .map((l) => l.replace(/\s+/g, " ").trim())
        .filter((l) => l.length > 20);
      const shown = [...d.querySelectorAll('[data-mime-type="text/html"], [data-mime-type="text/markdown"]')]
        .map((h) => h.innerText.replace(/\s+/g, " "))
        .join(" ");
      for (const l of printed) if (shown.includes(l)) out.push(`said twice: "${l.slice(0, 80)}"`);
    }
    return out.concat(this.charts());
  },

  charts() {
    const out = [];
    for (const svg of [...document.querySelectorAll(".jp-OutputArea svg[role='img']")].filter((x) => this.visible(x))) {
      const width = svg.width.baseVal.value;
      for (const t of svg.querySelectorAll("text")) {
        if (t.getAttribute("transform")) continue;
        const b = t.getBBox();
        if (b.x < -0.5 || b.x + b.width > width + 0.5) out.push(`chart text clipped: "${t.textContent}"`);
      }
    }
    return out;
  },

  // A memo starts empty: nothing selected, no score, no rubric, until the learner checks.
  memoUntouched() {
    const out = [];
    for (const memo of [...document.querySelectorAll(".pm-memo")].filter((m) => this.visible(m))) {
      const box = memo.closest(".pm-exercise") || memo.parentElement;
      if (memo.querySelector("input:checked")) out.push("a memo option is pre-selected");
      const rubric = box.querySelector(".pm-rubric");
      if (rubric && this.visible(rubric)) out.push("the rubric shows before the learner checks");
      if (/score|rubric/i.test(box.querySelector(".pm-feedback")?.innerText || "")) out.push("a score or rubric shows before the learner checks");
      for (const cls of ["pm-memo-call", "pm-memo-evidence", "pm-memo-number"]) {
        if (!memo.querySelector("." + cls)) out.push(`the memo has no .${cls}`);
      }
    }
    return out;
  },

  // Text stays readable on its background (WCAG contrast ≥ 4.5), light or dark theme.
  contrast() {
    const out = [];
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const els = document.querySelectorAll(".pm-exercise .pm-prompt, .pm-exercise .pm-outcome, .pm-exercise label");
    for (const el of [...els].filter((e) => this.visible(e) && e.innerText.trim())) {
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) out.push(`hard to read (${ratio.toFixed(1)}:1): "${el.innerText.slice(0, 60)}"`);
    }
    return out;
  },
})
