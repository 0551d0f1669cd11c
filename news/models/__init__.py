"""The news app's page types, one module each."""

from news.models.index_page import NewsIndexPage
from news.models.news_page import NewsPage, NewsPageTag

__all__ = ["NewsIndexPage", "NewsPage", "NewsPageTag"]
