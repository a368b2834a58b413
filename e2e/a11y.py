"""axe-core checks and screenshots for the browser suite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""

OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const total = document.documentElement.scrollWidth;
  if (total <= limit) return [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const all = [...document.querySelectorAll("body *")];
  // Boxes that stick out, or boxes whose content spills out of them.
  const culprits = all.filter((el) => el.getBoundingClientRect().right > limit + 1
    || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"));
  return [`page is ${total}px wide in a ${limit}px window`, ...culprits.slice(0, 5).map(name)];
}"""

# House rules axe does not check: one <h1>; no inline style= or on*= handlers; every
# invalid input points (aria-describedby) at an error text that exists; a page that
# shows field errors announces them in a role="alert" summary.
HOUSE_RULES = """() => {
  const problems = [];
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements, expected 1`);
  for (const el of document.querySelectorAll("body *")) {
    if (el.hasAttribute("style")) problems.push(`inline style on <${el.tagName.toLowerCase()}>`);
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("on")) problems.push(`${attr}= on <${el.tagName.toLowerCase()}>`);
    }
  }
  const invalid = [...document.querySelectorAll('[aria-invalid="true"]')];
  for (const el of invalid) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    const texts = ids.map((id) => document.getElementById(id)).filter(Boolean)
      .map((d) => d.textContent.trim()).filter(Boolean);
    if (!texts.length) problems.push(`#${el.id} is invalid but describes no error text`);
  }
  if (invalid.length && !document.querySelector('[role="alert"]')) {
    problems.push("field errors without a role=alert summary");
  }
  return problems;
}"""

# Every page checked so far in this run, so the summary can say what was covered.
CHECKED: list[str] = []


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            summary = " ".join(str(node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def check_accessibility(page: Any, name: str) -> None:
    """Save a full-page screenshot, then fail on any WCAG 2.1 A/AA violation axe
    finds, on a broken house rule (HOUSE_RULES) or on sideways scrolling.

    The screenshot is taken before any assertion so a failing page can still be
    looked at: e2e/screenshots/<lang>-<width>-<name>.png.
    """
    lang = page.evaluate("document.documentElement.lang") or "unknown"
    width = page.viewport_size["width"] if page.viewport_size else 0
    safe_name = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    # Before the screenshot, which leaves empty style="" attributes on inputs.
    broken = page.evaluate(HOUSE_RULES)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{lang}-{width}-{safe_name}.png"), full_page=True)

    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol: the portal's Content-Security-Policy refuses
        # the inline <script> that Playwright's add_script_tag would insert.
        session = page.context.new_cdp_session(page)
        session.send("Runtime.evaluate", {"expression": AXE_PATH.read_text(encoding="utf-8")})
        session.detach()
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, WCAG_TAGS)
    CHECKED.append(f"{lang}-{width}-{safe_name}")
    assert not violations, (
        f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {name!r} "
        f"({lang}, {width}px, {page.url}):\n{describe(violations)}"
    )
    assert not broken, f"{name!r} ({lang}, {width}px) breaks house rules: {'; '.join(broken)}"
    # Reflow (WCAG 1.4.10), which axe does not test: nothing scrolls sideways.
    overflow = page.evaluate(OVERFLOWING)
    assert not overflow, (
        f"{name!r} ({lang}, {width}px) scrolls sideways; too wide: {', '.join(overflow)}"
    )
