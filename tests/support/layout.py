"""Layout checks for the page tests, read from the browser's DOM: text that is too small
to read, boxes outside the viewport, boxes that overlap."""

from __future__ import annotations

# Every visible element that holds text of its own, with its computed font size.
_TEXTS = """(minPx) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (!own || own === '\\u00a0') continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minPx) out.push({text: own.slice(0, 40), size: size, tag: el.tagName, cls: el.className});
  }
  return out;
}"""

_BOX = """(sel) => [...document.querySelectorAll(sel)].filter(el => el.checkVisibility()).map(el => {
  const r = el.getBoundingClientRect();
  return {sel: sel, x: r.x, y: r.y, right: r.right, bottom: r.bottom, text: el.textContent.trim().slice(0, 30)};
})"""


def small_texts(page, min_px: float) -> list[dict]:
    """Visible texts whose font is smaller than ``min_px``."""
    return page.evaluate(_TEXTS, min_px)


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate(_BOX, selector)


def outside_viewport(page, *selectors: str) -> list[dict]:
    """Visible elements of these selectors not wholly inside the viewport."""
    size = page.viewport_size
    out = []
    for selector in selectors:
        for box in boxes(page, selector):
            if box["x"] < -0.5 or box["y"] < -0.5 or box["right"] > size["width"] + 0.5 \
                    or box["bottom"] > size["height"] + 0.5:
                out.append(box)
    return out


def overlaps(page, *selectors: str) -> list[tuple[dict, dict]]:
    """Pairs of visible elements (of different selectors) whose boxes overlap."""
    found = [box for selector in selectors for box in boxes(page, selector)]
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            if a["sel"] == b["sel"]:
                continue
            if a["x"] < b["right"] - 0.5 and b["x"] < a["right"] - 0.5 \
                    and a["y"] < b["bottom"] - 0.5 and b["y"] < a["bottom"] - 0.5:
                pairs.append((a, b))
    return pairs


def assert_clean(page, *selectors: str) -> None:
    """Each selector's visible boxes inside the viewport, none overlapping another's."""
    outside = outside_viewport(page, *selectors)
    assert outside == [], f"outside the viewport: {outside}"
    crossing = overlaps(page, *selectors)
    assert crossing == [], f"overlapping: {crossing}"


def inside(page, inner: str, outer: str) -> bool:
    """The first visible ``inner`` lies wholly inside the first visible ``outer``."""
    a, b = boxes(page, inner)[0], boxes(page, outer)[0]
    return (a["x"] >= b["x"] - 0.5 and a["y"] >= b["y"] - 0.5 and a["right"] <= b["right"] + 0.5
            and a["bottom"] <= b["bottom"] + 0.5)
