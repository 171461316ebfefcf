"""Letting other greenlets run during long computations (a year's report).

Under gevent a CPU-bound loop holds the whole hub: no call-next is answered until it
ends. Long loops call ``pause()`` between chunks; outside gevent it does nothing.
"""

from __future__ import annotations

try:
    from gevent import monkey as _monkey
    from gevent import sleep as _sleep
except ImportError:  # pragma: no cover - gevent is a dependency
    _monkey = None


def pause() -> None:
    """Yield to other greenlets when running under gevent's monkey-patching."""
    if _monkey is not None and _monkey.is_module_patched("socket"):
        _sleep(0)
