"""The knowledge base: sanitised Markdown, videos with their text and captions
links, a version per language with English as the fallback, search, who may read,
and the links from the sign-in, claim and help pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Account
from common.tests.client import FormClient
from support.models import Article, ArticleCategory, ArticleVersion
from support.tests.builders import signed_in

pytestmark = pytest.mark.django_db


def make_article(slug: str = "printer", *, public: bool = False, **versions: Any) -> Article:
    article = Article.objects.create(
        slug=slug, category=ArticleCategory.objects.get(position=10), is_public=public
    )
    for language, (title, body) in (
        versions or {"en": ("Add a printer", "Open *Settings*.")}
    ).items():
        ArticleVersion.objects.create(
            article=article, language=language, title=title, body_markdown=body
        )
    return article


def article_url(slug: str) -> str:
    return reverse("support:kb-article", args=[slug])


def test_script_in_markdown_never_reaches_the_page(requester: Account) -> None:
    make_article(
        en=(
            "Tricky",
            "Hello <script>alert('x')</script> <img src=x onerror=alert(1)> "
            "[click](javascript:alert(1)) <a href='https://ok.example' onclick='x()'>ok</a> "
            "<iframe src='https://evil.example'></iframe> <p style='color:red'>red</p>",
        )
    )
    html = ArticleVersion.objects.get(article__slug="printer").body_html
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "style="):
        assert bad not in html
    assert 'href="https://ok.example"' in html
    page = signed_in(requester).get(article_url("printer")).content.decode()
    assert "alert('x')" not in page


def test_an_article_is_shown_in_the_readers_language_or_in_english(requester: Account) -> None:
    make_article(en=("Add a printer", "English text"), es=("Agregar una impresora", "Texto"))
    client = signed_in(requester)
    spanish = client.get(article_url("printer"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Agregar una impresora" in spanish and "not yet available" not in spanish
    Account.objects.filter(pk=requester.pk).update(language="vi")
    vietnamese = signed_in(requester).get(article_url("printer")).content.decode()
    assert "Add a printer" in vietnamese
    assert 'lang="en"' in vietnamese
    assert "Bài viết này chưa có bằng ngôn ngữ của bạn" in vietnamese


def test_articles_are_read_after_signing_in_except_the_sign_in_help(requester: Account) -> None:
    make_article()
    anonymous = FormClient()
    response = anonymous.get(article_url("printer"))
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert anonymous.get(reverse("support:kb")).status_code == 302
    assert anonymous.get(article_url("how-do-i-log-in")).status_code == 200
    assert signed_in(requester).get(article_url("printer")).status_code == 200
    Article.objects.filter(slug="printer").update(is_published=False)
    assert signed_in(requester).get(article_url("printer")).status_code == 404


def test_a_video_has_a_player_a_text_link_and_a_captions_link(requester: Account) -> None:
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        video_url="https://www.youtube.com/watch?v=abc123",
        captions_url="https://media.example.org/printer.vtt",
        transcript_url="https://media.example.org/printer.txt",
    )
    page = signed_in(requester).get(article_url("printer")).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/abc123"' in page
    assert 'href="https://www.youtube.com/watch?v=abc123"' in page
    assert 'href="https://media.example.org/printer.vtt"' in page
    assert 'href="https://media.example.org/printer.txt"' in page

    Article.objects.filter(pk=article.pk).update(video_url="https://media.example.org/p.mp4")
    page = signed_in(requester).get(article_url("printer")).content.decode()
    assert '<video controls preload="none" src="https://media.example.org/p.mp4">' in page
    assert '<track kind="captions" src="https://media.example.org/printer.vtt"' in page


def test_search_finds_articles_by_their_words_titles_first(requester: Account) -> None:
    make_article("wifi", en=("Connect to the wifi", "Choose the district network."))
    make_article("printer", en=("Add a printer", "Printers are on the district network."))
    client = signed_in(requester)
    results = client.get(reverse("support:kb"), {"q": "network"}).context["results"]
    assert {v.article.slug for v in results} == {"wifi", "printer"}
    results = client.get(reverse("support:kb"), {"q": "printer"}).context["results"]
    assert results[0].article.slug == "printer"
    results = client.get(reverse("support:kb"), {"q": "password"}).context["results"]
    assert "forgot-password" in {v.article.slug for v in results}
    assert client.get(reverse("support:kb"), {"q": "zebra"}).context["results"] == []


def test_search_prefers_the_readers_language(requester: Account) -> None:
    make_article(
        "printer", en=("Add a printer", "printer"), es=("Agregar impresora", "impresora printer")
    )
    results = (
        signed_in(requester)
        .get(reverse("support:kb"), {"q": "printer"}, HTTP_ACCEPT_LANGUAGE="es")
        .context["results"]
    )
    assert [(v.article.slug, v.language) for v in results] == [("printer", "es")]


@pytest.mark.parametrize(
    ("url_name", "slugs"),
    [
        ("accounts:login", ["how-do-i-log-in"]),
        ("accounts:claim", ["how-do-i-log-in"]),
        ("accounts:help", ["how-do-i-log-in", "forgot-password"]),
    ],
)
def test_the_sign_in_claim_and_help_pages_link_to_their_articles(
    url_name: str, slugs: list[str]
) -> None:
    page = FormClient().get(reverse(url_name)).content.decode()
    for slug in slugs:
        assert f'href="{article_url(slug)}"' in page
        assert FormClient().get(article_url(slug)).status_code == 200
