"""The Acceptable Use Policy in the admin: IT writes a version (its text per language
in Markdown, the roles it applies to, the guardian note for young students) and
publishes it. A published version is read-only: what people accepted stays what they
read, and a change is a new version, asked of everyone it applies to at their next
sign-in (accounts.acceptable_use)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import AcceptableUsePolicy
from directory.models import Person

ROLE_CHOICES = [*Person.Role.choices, ("it", _("IT staff"))]


class AcceptableUsePolicyForm(forms.ModelForm[AcceptableUsePolicy]):
    roles = forms.MultipleChoiceField(
        label=_("Roles it applies to"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AcceptableUsePolicy
        fields = ["version", "text_en", "text_es", "text_vi", "roles", "guardian_note_under_13"]


@admin.register(AcceptableUsePolicy)
class AcceptableUsePolicyAdmin(admin.ModelAdmin[AcceptableUsePolicy]):
    form = AcceptableUsePolicyForm
    list_display = ["version", "applies_to", "guardian_note_under_13", "published_at"]
    ordering = ["-published_at", "-id"]
    actions = ["publish"]

    @admin.display(description=_("roles"))
    def applies_to(self, obj: AcceptableUsePolicy) -> str:
        names = dict(ROLE_CHOICES)
        return ", ".join(str(names.get(role, role)) for role in obj.roles)

    def get_readonly_fields(
        self, request: HttpRequest, obj: AcceptableUsePolicy | None = None
    ) -> list[str]:
        if obj is not None and obj.published_at is not None:
            return [*self.form.Meta.fields, "published_at"]
        return ["published_at"]

    def has_delete_permission(
        self, request: HttpRequest, obj: AcceptableUsePolicy | None = None
    ) -> bool:
        # A published version stays: acceptances point at it.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.published_at is None)

    @admin.action(description=_("Publish the selected versions"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[AcceptableUsePolicy]) -> None:
        count = queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d version published: everyone it applies to is asked to accept "
                "it at their next sign-in.",
                "%(count)d versions published: everyone they apply to is asked to accept "
                "them at their next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
