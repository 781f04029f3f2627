"""The published JSON Schema of `NewsArticle`, generated from the item class.

`python -m newscrawler schema > schema/news_article.schema.json` regenerates the committed file;
a test keeps the two equal.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from itemadapter import ItemAdapter

from newscrawler.items import NewsArticle

SCHEMA_ID = "https://newscrawler.invalid/schema/news_article.schema.json"


def article_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one exported JSON line."""
    schema = ItemAdapter.get_json_schema(NewsArticle)
    # Every key is present in every line (null when unknown): consumers may rely on that.
    schema["required"] = [f.name for f in fields(NewsArticle)]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "NewsArticle",
        "description": (NewsArticle.__doc__ or "").strip(),
        **schema,
    }


def article_json_schema_text() -> str:
    return json.dumps(article_json_schema(), indent=2, ensure_ascii=False) + "\n"
