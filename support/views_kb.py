"""The knowledge base: the article list with search, and one article in the reader's
language (English when there is no version in it). Signed in, every published
article; not signed in, only the sign-in help the login, claim and help pages link to."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from support import kb
from support.models import Article


@login_required
def kb_index(request: HttpRequest) -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    query = request.GET.get("q", "").strip()[:200]
    articles = kb.readable_articles(request.user).select_related("category").prefetch_related(
        "versions"
    )
    results = kb.search(query, language, articles) if query else None
    sections = []
    if results is None:
        ordered = sorted(articles, key=lambda a: (a.category.position, a.category_id, a.position))
        for category, group in groupby(ordered, key=lambda a: a.category):
            entries = [(a, kb.version_for(a, language)) for a in group]
            sections.append((category.name_for(language), [e for e in entries if e[1]]))
    return render(
        request,
        "support/kb_index.html",
        {"query": query, "results": results, "sections": sections},
    )


def kb_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = Article.objects.filter(slug=slug, is_published=True).first()
    if article is None:
        raise Http404
    if not article.is_public and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    language = get_language() or settings.LANGUAGE_CODE
    version = kb.version_for(article, language)
    if version is None:
        raise Http404
    return render(
        request,
        "support/kb_article.html",
        {
            "article": article,
            "version": version,
            "fallback": version.language != language[:2],
            "video": kb.video_for(article),
        },
    )
