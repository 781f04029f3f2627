"""newscrawler: a Scrapy crawler for German regional news.

`extract_article(html, url)` turns one article page into a `NewsArticle`; the spiders in
`newscrawler.spiders` discover article pages and call it for every page they fetch.
"""

from newscrawler.extract import extract_article
from newscrawler.items import NewsArticle

__version__ = "0.1.0"
__all__ = ["NewsArticle", "__version__", "extract_article"]
