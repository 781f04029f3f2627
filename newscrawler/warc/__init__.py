"""Web archives: WARC records of what the crawl fetched, and articles read back from WARC files.

- `records`: a fetched page as WARC/1.1 `request` and `response` records (warcio builds them),
  one gzip member each, and the `warcinfo` record that opens a file;
- `reader`: the HTML `response` records of WARC files (ours, Common Crawl's CC-NEWS, any valid
  `.warc`/`.warc.gz`), filtered by host from the record headers before a byte of HTML is read
  (FastWARC reads them);
- `tools`: `python -m newscrawler warc index|pack` (cdxj-indexer, wacz).

Writing goes through the run's publication journal (`newscrawler.publish.warc`); the Scrapy
side is in `newscrawler.middlewares.warc` (capture, replay), `newscrawler.extensions.warc` and
`newscrawler.spiders.warc`.
"""
