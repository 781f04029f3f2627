"""The settings of test crawls: the project's, plus the fault injection the kill tests drive
through environment variables (`tests.support.faults.FaultInjection`).

Crawls started by `tests.support.crawl` and `tests.support.cron` run with
`SCRAPY_SETTINGS_MODULE=tests.support.settings`.
"""

from newscrawler.settings import *  # noqa: F403 (every project setting, unchanged)
from newscrawler.settings import EXTENSIONS

EXTENSIONS = {**EXTENSIONS, "tests.support.faults.FaultInjection": 50}
