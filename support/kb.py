"""Reading and searching the knowledge base.

An article is shown in the reader's language when it has a version in it, else in
English (the page says so). Search uses PostgreSQL's full-text search (the
language's dictionary, stemming, ranking title over text) on PostgreSQL; on SQLite,
every word must appear in the title or the text (any case), titles first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import and_
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.models import Account
from support.models import Article, ArticleVersion

SEARCH_CONFIGS = {"en": "english", "es": "spanish"}  # others: "simple" (no stemming)
MAX_RESULTS = 25
YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/"


@dataclass(frozen=True)
class Video:
    kind: str  # "iframe" or "file"
    src: str
    link: str


def readable_articles(account: object) -> QuerySet[Article]:
    """Published articles; someone not signed in reads the public ones only."""
    articles = Article.objects.filter(is_published=True)
    if not isinstance(account, Account):
        articles = articles.filter(is_public=True)
    return articles


def version_for(article: Article, language: str) -> ArticleVersion | None:
    """The version in `language`, else the English one."""
    versions = {v.language: v for v in article.versions.all()}
    return versions.get(language[:2]) or versions.get(settings.LANGUAGE_CODE)


def search(query: str, language: str, articles: QuerySet[Article]) -> list[ArticleVersion]:
    """Versions matching `query` in the reader's language or English, one per article
    (the reader's language first), best first."""
    words = query.split()
    if not words:
        return []
    versions = ArticleVersion.objects.filter(
        article__in=articles, language__in={language[:2], settings.LANGUAGE_CODE}
    ).select_related("article")
    if connection.vendor == "postgresql":
        matched = _postgres(versions, query, language[:2])
    else:
        matched = _fallback(versions, words)
    best: dict[int, ArticleVersion] = {}
    for version in matched[: MAX_RESULTS * 2]:
        current = best.get(version.article_id)
        if current is None or (
            current.language != language[:2] and version.language == language[:2]
        ):
            best[version.article_id] = version
    return list(best.values())[:MAX_RESULTS]


def _postgres(
    versions: QuerySet[ArticleVersion], query: str, language: str
) -> QuerySet[ArticleVersion]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = SEARCH_CONFIGS.get(language, "simple")
    vector = SearchVector("title", weight="A", config=config) + SearchVector(
        "body_markdown", weight="B", config=config
    )
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        versions.annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .order_by("-rank", "article__position", "article_id")
    )


def _fallback(versions: QuerySet[ArticleVersion], words: list[str]) -> QuerySet[ArticleVersion]:
    every_word = reduce(
        and_, (Q(title__icontains=w) | Q(body_markdown__icontains=w) for w in words[:10])
    )
    in_title = reduce(and_, (Q(title__icontains=w) for w in words[:10]))
    return (
        versions.filter(every_word)
        .annotate(
            title_match=Case(
                When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("title_match", "article__position", "article_id")
    )


def video_for(article: Article) -> Video | None:
    """How to show the article's video: YouTube (no-cookie) and Vimeo players, or
    the district's own file in a <video> element with its captions track."""
    url = article.video_url
    if not url:
        return None
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    last_part = parsed.path.rstrip("/").rsplit("/", 1)[-1]
    if host == "youtu.be":
        return Video("iframe", f"{YOUTUBE_EMBED}{last_part}", url)
    if host == "youtube.com" or host.endswith(".youtube.com"):
        video_id = parse_qs(parsed.query).get("v", [""])[0] or last_part
        return Video("iframe", f"{YOUTUBE_EMBED}{video_id}", url)
    if host == "vimeo.com" or host.endswith(".vimeo.com"):
        return Video("iframe", f"https://player.vimeo.com/video/{last_part}", url)
    return Video("file", url, url)
