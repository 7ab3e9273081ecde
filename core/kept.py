"""Figures kept in Django's cache for a while (the home pages' counts of the day), which
no page needs the cache for: when it does not answer (Redis down or hung), the figure is
counted as if nothing were kept, and the cache is left alone for ``RETRY_SECONDS``, so a
page waits for the cache's timeout once at most, not once a figure."""

import logging
import time
from collections.abc import Callable

from django.core.cache import cache

RETRY_SECONDS = 30

logger = logging.getLogger(__name__)
_down_until = 0.0


def _cache_call(method, *args):
    """``cache.<method>(*args)``, or ``None`` where the cache did not answer."""
    global _down_until
    if time.monotonic() < _down_until:
        return None
    try:
        return getattr(cache, method)(*args)
    except Exception as error:  # any client's error: the cache is only ever a shortcut
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("cache-unavailable error=%s: counted without it", type(error).__name__)
        return None


def kept(key: str, count: Callable[[], object], seconds: int):
    """What ``count()`` returns, taken from the cache under ``key`` where it is there,
    otherwise counted and kept there for ``seconds``."""
    value = _cache_call("get", key)
    if value is None:
        value = count()
        _cache_call("set", key, value, seconds)
    return value


def keep(key: str, value, seconds: int):
    """Keep ``value`` under ``key`` for ``seconds`` (counted afresh, by a nightly task)."""
    _cache_call("set", key, value, seconds)
    return value


def forget(key: str) -> None:
    """Forget what is kept under ``key``, so it is counted again when next asked for."""
    _cache_call("delete", key)


def reset() -> None:
    """Try the cache again at once (for tests: one test's broken cache is not another's)."""
    global _down_until
    _down_until = 0.0
