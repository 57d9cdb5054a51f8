"""Python's cycle collector paused for work that makes many objects and no cycles.

The collector runs every few hundred allocations and, as the heap grows, walks
every object still alive again and again. A diff keeps millions of small
containers until it is done; a validation run keeps every document's result
(its ids and pointers) until the references between files are checked. Neither
makes a cycle (checked: a collection after validating 1,000 documents and the
test fixtures found no garbage), so walking them is pure cost: a diff cost 1.25
CPU s per MB at 5 MB with it, 0.87 without; validating 10,000 documents spent
about 0.9 CPU s of the parent's time in it, and the workers forked from the
parent inherit the pause (bench/README.md, "Large documents" and "Validate
against Jing"). What the work leaves behind is freed by reference counting as
usual; a cycle, if any, by the next collection after it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for the duration, then as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
