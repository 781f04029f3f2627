"""FreezeStartupObjects: what exists at spider open is out of the garbage collector's reach."""

from __future__ import annotations

import gc
import weakref

from scrapy.utils.test import get_crawler

from newscrawler.extensions.gc_freeze import FreezeStartupObjects


def test_spider_open_freezes_what_exists_and_frees_garbage() -> None:
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    garbage = weakref.ref(Cycle())  # unreachable: only the cyclic collector frees it
    assert garbage() is not None
    extension = FreezeStartupObjects.from_crawler(get_crawler())
    try:
        extension.spider_opened()
        assert gc.get_freeze_count() > 1000
        assert garbage() is None
    finally:
        gc.unfreeze()
