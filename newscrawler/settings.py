"""Scrapy settings for newscrawler: polite defaults a site operator would accept.

Every value can be overridden per run with `-s NAME=VALUE`. See README "Options".
"""

from pathlib import Path

from scrapy.utils.conf import closest_scrapy_cfg

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"
ADDONS = {"newscrawler.addon.NewscrawlerAddon": 0}

# --- Identity -------------------------------------------------------------------------------
# Where a site operator can reach whoever runs the crawl; goes into the User-Agent
# "newscrawler/<version> (+<contact>)". Set it to your own page or mail address.
NEWSCRAWLER_CONTACT_URL = "https://github.com/newscrawler/newscrawler"

# --- Politeness -----------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # seconds between requests to one site, randomised 0.5x..1.5x
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# News pages are well under 2 MiB; anything far larger is an error page or an attack.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# --- Retries: 429 and 5xx with exponential backoff, honouring Retry-After -------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# A page that still fails after its retries costs that page only: one WARNING line, the
# spider's (with the reason); Scrapy's own "Gave up retrying" line is INFO.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
NEWSCRAWLER_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled each time
NEWSCRAWLER_RETRY_BACKOFF_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # A host that cannot be reached (no DNS, refused, TLS) is given up once one request's
    # retries are spent; it also makes robots.txt failures one WARNING line.
    "newscrawler.middlewares.network.UnreachableHostMiddleware": 540,
}

# --- Generic spider `news`, non-HTML and hostile pages --------------------------------------
# `scrapy crawl news -a start=URL`: link hops followed from the start page (1: the article
# links on the start page; 2: also the article links on those articles; ...). `-a depth=N`.
NEWSCRAWLER_FOLLOW_DEPTH = 1
# Pages with more tags than this are not extracted (nor section pages parsed). Real article
# pages have under 10 000; extraction time grows faster than the tag count, see
# benchmarks/extraction_complexity.py.
NEWSCRAWLER_EXTRACT_MAX_TAGS = 100_000
# Article requests download HTML pages only: PDFs, images and media are skipped by their URL or
# their Content-Type header before the body is downloaded.
DOWNLOADER_MIDDLEWARES["newscrawler.middlewares.html_only.HtmlOnlyMiddleware"] = 60

# --- Throughput: extraction workers, per-page costs of the crawl process ----------------------
# Articles are extracted in this many worker processes, off the crawl's event loop. Unset: one
# per CPU the crawl may use. 0: inline in the crawl process (for debuggers and profilers).
NEWSCRAWLER_EXTRACT_WORKERS = None
# Seconds a worker may spend on one page before it is killed and the page given up (0: no
# limit; extraction inline is never interrupted).
NEWSCRAWLER_EXTRACT_TIMEOUT = 120
# Scrapy starts this many asyncio tasks for every response's output; its default, 100, costs
# 0.6 ms of CPU per page (a third of its own cost per page). Our callbacks yield one item.
CONCURRENT_ITEMS = 4
# Scrapy's MetaRefreshMiddleware decodes every whole page to read its first 4096 characters.
DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] = None
DOWNLOADER_MIDDLEWARES["newscrawler.middlewares.meta_refresh.HeadMetaRefreshMiddleware"] = 580
# Full garbage collections skip the objects that live for the whole crawl.
EXTENSIONS: dict[str, int] = {"newscrawler.extensions.gc_freeze.FreezeStartupObjects": 0}
# logger.debug() returns at once when no handler would take the record (LOG_LEVEL above DEBUG).
EXTENSIONS["newscrawler.extensions.log_level.SkipUnloggedLevels"] = 0

# --- Output ---------------------------------------------------------------------------------
_cfg = closest_scrapy_cfg()
# Without -o/-O, items go to <NEWSCRAWLER_OUTPUT_DIR>/<spider>/<UTC start>-0001.jsonl, -0002 ...
# for every further 200 articles (set by the add-on: a FEEDS value here would be written in
# addition to any -o/-O file).
NEWSCRAWLER_OUTPUT_DIR = str((Path(_cfg).parent if _cfg else Path.cwd()) / "output")
FEED_EXPORT_ENCODING = "utf-8"
FEED_URI_PARAMS = "newscrawler.publish.layout.uri_params"  # %(time)s = 20220121T113100Z (UTC)

ITEM_PIPELINES: dict[str, int] = {"newscrawler.pipelines.dates.DateNormalizationPipeline": 200}

# --- Incremental crawls, atomic output, cron (newscrawler/state, publish/, commands) --------
# `scrapy crawl` exits non-zero when a run did not finish normally (see ExitStatus).
COMMANDS_MODULE = "newscrawler.commands"
# Where the spider remembers what it emitted. Empty: `<output folder>/.state/<spider>.sqlite`,
# i.e. output/.state/<spider>.sqlite for the default feeds. Or `sqlite:///abs/path.sqlite`.
NEWSCRAWLER_STATE_URL = ""
# The JSON summary of each run. Empty: `<run stamp>.summary.json` next to the output files;
# or a path with %(name)s (spider) and %(time)s (run stamp).
NEWSCRAWLER_SUMMARY_PATH = ""
# Local files (-o, -O and FEEDS) are written to a hidden temporary file and renamed when done.
FEED_STORAGES = {
    "": "newscrawler.publish.storage.AtomicFileFeedStorage",
    "file": "newscrawler.publish.storage.AtomicFileFeedStorage",
}
EXTENSIONS |= {
    "newscrawler.extensions.crawl_state.CrawlState": 10,
    "newscrawler.extensions.outcome.RunOutcome": 20,
    "newscrawler.extensions.summary.RunSummary": 30,
}
SPIDER_MIDDLEWARES = {
    "newscrawler.middlewares.incremental.IncrementalMiddleware": 100,
}
# Fetch once across runs sharing the state: a lead's URL is leased just before its download
# (after robots.txt, retries, redirects), released once its page is done (the spider
# middleware sits outside the incremental one, so the article is claimed by then). A page the
# spider judged no article is not fetched again as a lead for NEWSCRAWLER_NON_ARTICLE_TTL
# seconds (0: always fetched again); listings are always fetched.
DOWNLOADER_MIDDLEWARES["newscrawler.middlewares.fetch_once.FetchLeaseMiddleware"] = 950
SPIDER_MIDDLEWARES["newscrawler.middlewares.fetch_once.FetchOnceSpiderMiddleware"] = 40
NEWSCRAWLER_NON_ARTICLE_TTL = 86_400.0
# Run budget: `scrapy crawl shz --budget 45m` or `-s CLOSESPIDER_TIMEOUT=2700` (seconds).
CLOSESPIDER_TIMEOUT = 0
# --- Versions and monitoring (newscrawler/versions.py, revisits.py, monitoring.py) -----------
# Articles first seen within the window are fetched again at these ages after their first
# sighting, with conditional requests; a change of title, body, authors, date_modified or
# is_paywalled is emitted as a new version. Revisits take at most this share of a run's
# requests (its budget: CLOSESPIDER_PAGECOUNT, else the median of the site's recent runs).
NEWSCRAWLER_REVISIT_WINDOW = "3d"
NEWSCRAWLER_REVISIT_AGES = "1h,6h,24h,72h"
NEWSCRAWLER_REVISIT_SHARE = 0.25
SPIDER_MIDDLEWARES["newscrawler.revisits.RevisitMiddleware"] = 110
# Above the WARC capture (650) and HtmlOnly (60): a 304 is handled before they look at it.
DOWNLOADER_MIDDLEWARES["newscrawler.revisits.NotModifiedMiddleware"] = 660
# At the end of each run, Spidermon monitors compare it with the median of the site's last
# good runs (kept in the state): exit status 7 when one fails. The first runs only record.
NEWSCRAWLER_MONITOR_RUNS = 10
NEWSCRAWLER_MONITOR_MIN_RUNS = 3
NEWSCRAWLER_MONITOR_ITEMS_SHARE = 0.3
NEWSCRAWLER_MONITOR_COVERAGE_DROP = 0.2
NEWSCRAWLER_MONITOR_FAILURE_RISE = 0.2
NEWSCRAWLER_MONITOR_HISTORY = 200
NEWSCRAWLER_REPORT = True
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawler.monitoring.SiteMonitors"]
EXTENSIONS["newscrawler.monitoring.RunHistory"] = 40
EXTENSIONS["newscrawler.monitoring.Monitoring"] = 50
# --- end of incremental block -----------------------------------------------------------------

# --- Copies across sites (newscrawler/syndication.py, middlewares/syndication.py) -----------
# Each article's body is compared with the texts every spider sharing the state has seen; the
# item's `syndication` names the first copy. The threshold is the share of the shorter text
# found in the other (0.3 to 1), chosen on a labelled sample (benchmarks/syndication_threshold.py).
NEWSCRAWLER_SYNDICATION = True
NEWSCRAWLER_SYNDICATION_THRESHOLD = 0.5
SPIDER_MIDDLEWARES["newscrawler.middlewares.syndication.SyndicationMiddleware"] = 90

# --- Scaling out: Redis state, shared frontier (newscrawler/state/redis.py, frontier.py) ----
# Several machines (or several runs with their own output folders) share one memory of what was
# emitted with `-s NEWSCRAWLER_STATE_URL=redis://host:6379/0` (see the incremental block).
# A shared frontier splits one big site's URLs between processes or machines:
# `-s NEWSCRAWLER_FRONTIER_URL=redis://host:6379/0` (scrapy-redis's scheduler and dupefilter;
# the state then defaults to the same Redis). Empty: every run has its own frontier.
# A Redis URL names its user, not its password (`redis://newscrawler@host:6379/0`): the password
# comes from the environment variable NEWSCRAWLER_REDIS_PASSWORD, as `-s` shows a setting to
# `ps` and Scrapyd logs every job's settings (README "Security").
NEWSCRAWLER_FRONTIER_URL = ""
# Every Redis key of the deployment starts with `<prefix>:` (`<prefix>:state:...`,
# `<prefix>:frontier:...`): deployments sharing one Redis take different prefixes, and the
# crawlers' Redis user needs no key outside `~<prefix>:*` (README "Security").
NEWSCRAWLER_REDIS_PREFIX = "newscrawler"
# A worker with nothing to do waits while the frontier has requests or other workers are busy;
# when it stayed empty with every worker idle for this long (seconds), the worker ends.
NEWSCRAWLER_FRONTIER_IDLE_CLOSE = 5.0
ADDONS["newscrawler.frontier.FrontierAddon"] = 10
# --- end of scaling block -------------------------------------------------------------------

# --- Web archives: WARC beside the JSON lines, `scrapy crawl warc` (newscrawler/warc/) -------
# True: every fetched article page is also written, as received, to a WARC file beside each
# JSON lines file (`<UTC start>-0001.warc.gz`); items point at their record (field `warc`).
NEWSCRAWLER_WARC = False
# zlib level of the WARC files' gzip members: 1 costs 40 % of the CPU of 6 for pages sent
# uncompressed (files an eighth larger), and gives the same size for the gzip- or
# brotli-encoded pages most sites send (benchmarks/warc.py).
NEWSCRAWLER_WARC_GZIP_LEVEL = 1
# Above HttpCompressionMiddleware (590): bodies before they are decompressed.
DOWNLOADER_MIDDLEWARES["newscrawler.middlewares.warc.WarcCaptureMiddleware"] = 650
# After the incremental middleware (100): a page's records are built when it has been extracted;
# just before the feed exporter (0) takes its item, they go into the WARC file beside the JSON
# lines file the item goes to.
SPIDER_MIDDLEWARES["newscrawler.middlewares.warc.WarcRecordMiddleware"] = 90
EXTENSIONS["newscrawler.extensions.warc.WarcPointers"] = -1
# --- end of web archives block --------------------------------------------------------------

# --- Operations -----------------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# Development only: `-s HTTPCACHE_ENABLED=1` replays pages from .scrapy/httpcache.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]
