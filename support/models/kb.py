"""The knowledge base: articles in categories, written by technicians in Markdown,
one version per language (English is the fallback), with optional tutorial videos."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleCategory(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")

    def __str__(self) -> str:
        return self.name_en

    def name_for(self, language: str) -> str:
        return str(getattr(self, f"name_{language[:2]}", "") or self.name_en)


class Article(models.Model):
    # Pages outside the knowledge base link to an article by its slug
    # ("how-do-i-log-in"), so a slug is kept when the title changes.
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    category = models.ForeignKey(
        ArticleCategory, on_delete=models.PROTECT, related_name="articles",
        verbose_name=_("category"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Sign-in help must be readable by someone who cannot sign in.
    is_public = models.BooleanField(
        _("readable without signing in"), default=False,
        help_text=_("For help with signing in and claiming an account."),
    )
    video_url = models.URLField(
        _("tutorial video"), blank=True,
        help_text=_("A YouTube or Vimeo address, or a video file the district hosts."),
    )
    captions_url = models.URLField(_("captions (WebVTT)"), blank=True)
    transcript_url = models.URLField(_("text version of the video"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("knowledge base article")
        verbose_name_plural = _("knowledge base articles")

    def __str__(self) -> str:
        return self.slug


class ArticleVersion(models.Model):
    """The article in one language. body_html is rendered from the Markdown and
    sanitised (common.markdown) whenever the version is saved."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body_markdown = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="support_one_version_each")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} [{self.language}] {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from common.markdown import render_markdown

        self.body_html = render_markdown(self.body_markdown)
        super().save(*args, **kwargs)
