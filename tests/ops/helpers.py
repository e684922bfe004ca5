"""Helpers of the operations tests."""

import time


def wait_for(condition, timeout: float = 10.0) -> float:
    """Poll until the condition holds; return the seconds it took, failing after the timeout."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.05)
    return time.monotonic() - started
