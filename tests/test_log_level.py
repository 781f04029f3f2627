"""SkipUnloggedLevels: debug calls return at once while no handler would take them; records a
handler takes still reach it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from scrapy.utils.log import DEFAULT_LOGGING
from scrapy.utils.test import get_crawler

from newscrawler.extensions.log_level import SkipUnloggedLevels


class Keep(logging.Handler):
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def root_with(level: int) -> Iterator[Keep]:
    """The loggers as Scrapy's logging set-up leaves them (root at NOTSET, `scrapy` at DEBUG),
    with only this handler on the root (pytest's own capture handlers, which take everything,
    set aside meanwhile)."""
    root, scrapy_logger = logging.getLogger(), logging.getLogger("scrapy")
    saved = root.handlers[:], root.level, scrapy_logger.level
    handler = Keep(level)
    root.handlers, root.level = [handler], logging.NOTSET
    scrapy_logger.setLevel(DEFAULT_LOGGING["loggers"]["scrapy"]["level"])
    try:
        yield handler
    finally:
        root.handlers, root.level = saved[:2]
        scrapy_logger.setLevel(saved[2])


@pytest.mark.parametrize("name", ["newscrawler.probe", "scrapy.core.engine"])
def test_debug_calls_are_skipped_while_the_spider_runs(name: str) -> None:
    log = logging.getLogger(name)
    extension = SkipUnloggedLevels.from_crawler(get_crawler())
    with root_with(logging.INFO) as handler:
        assert logging.getLogger("scrapy").level == logging.DEBUG
        extension.spider_opened()
        assert not log.isEnabledFor(logging.DEBUG)
        log.debug("dropped")
        log.info("kept")
        extension.spider_closed()
        assert logging.getLogger().level == logging.NOTSET
        assert logging.getLogger("scrapy").level == logging.DEBUG
        assert log.isEnabledFor(logging.DEBUG)
    assert handler.messages == ["kept"]


def test_a_handler_that_takes_everything_gets_everything() -> None:
    extension = SkipUnloggedLevels.from_crawler(get_crawler())
    with root_with(logging.NOTSET) as handler:
        extension.spider_opened()
        logging.getLogger("newscrawler.probe").debug("kept")
        extension.spider_closed()
    assert handler.messages == ["kept"]
