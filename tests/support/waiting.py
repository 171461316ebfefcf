"""Waiting for a condition with a deadline, never for a fixed time.

A test under load may be slow; it waits for what it expects (an event, a state, a
file) and fails with what it saw once the deadline passes. Socket.IO listeners wait on
their events (``tests.support.sio.Listener.wait_for``); everything else polls here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], *, timeout: float = 10.0, what: str = "condition",
               interval: float = 0.05) -> T:
    """Call ``check`` until it returns something truthy, and return that; after
    ``timeout`` seconds fail, naming ``what`` and the last value seen."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last saw {value!r}")
        time.sleep(interval)


def threads_since(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since ``before`` was taken (``set(threading.enumerate())``) that still run."""
    return [t for t in threading.enumerate() if t not in before and t.is_alive()]


def wait_for_threads_to_end(before: set[threading.Thread], *, timeout: float = 5.0) -> None:
    """Wait until every thread started since ``before`` has returned."""
    running: list[threading.Thread] = []

    def ended() -> bool:
        running[:] = threads_since(before)
        return not running

    try:
        wait_until(ended, timeout=timeout, what="background threads to end")
    except AssertionError:
        raise AssertionError(f"still running after {timeout}s: {[t.name for t in running]}") from None


# In the browser: true once fonts are in, no finite CSS animation is running and every
# canvas (the charts) drew the same picture at two polls in a row.
_STILL_JS = """() => {
  if (document.fonts.status !== "loaded") return false;
  const moving = document.getAnimations().some((a) =>
    a.playState === "running" && a.effect && a.effect.getTiming().iterations !== Infinity);
  const picture = [...document.querySelectorAll("canvas")].map((c) => c.toDataURL()).join("|");
  const still = window.__yimenLastPicture === picture;
  window.__yimenLastPicture = picture;
  return still && !moving;
}"""


def wait_for_still(page, timeout: float = 15.0) -> None:
    """Wait until a page has stopped moving (fonts, pop-in animations, chart animations),
    e.g. before a screenshot. Endless animations (a pulsing alarm) do not count."""
    page.wait_for_function(_STILL_JS, polling=200, timeout=timeout * 1000)
