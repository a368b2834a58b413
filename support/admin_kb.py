"""The knowledge base in the admin, where technicians write articles in Markdown,
one version per language (English is shown when the reader's is missing)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from support.models import Article, ArticleCategory, ArticleVersion


class ArticleVersionInline(admin.StackedInline[ArticleVersion, Article]):
    model = ArticleVersion
    extra = 1
    fields = ["language", "title", "body_markdown"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["slug", "category", "is_published", "is_public", "updated_at"]
    list_filter = ["category", "is_published", "is_public"]
    search_fields = ["slug", "versions__title"]
    inlines = [ArticleVersionInline]
    readonly_fields = ["updated_at"]

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        versions = formset.save(commit=False)
        for version in versions:
            version.updated_by = request.user
            version.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()
        Article.objects.filter(pk=form.instance.pk).update(updated_at=timezone.now())


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(admin.ModelAdmin[ArticleCategory]):
    list_display = ["name_en", "position"]
    list_editable = ["position"]
