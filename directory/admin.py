"""Admin for the directory. The source systems own these rows: every synced field is
read-only and nothing can be added or deleted here (a sync would undo it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from directory.models import AcademicSession, Class, Enrollment, Org, Person, SyncRun


class SyncedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only for synced fields; ``editable_fields`` lists the local exceptions."""

    editable_fields: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Concrete fields include many-to-many ones (a person's orgs, a class's terms).
        return [
            f.name
            for f in self.model._meta.get_fields()
            if f.concrete and f.name not in self.editable_fields
        ]


@admin.register(Org)
class OrgAdmin(SyncedAdmin):
    list_display = ("name", "org_type", "identifier", "parent", "status", "sourced_id")
    list_filter = ("org_type", "status")
    search_fields = ("name", "identifier", "sourced_id")


@admin.register(AcademicSession)
class AcademicSessionAdmin(SyncedAdmin):
    list_display = ("title", "session_type", "start_date", "end_date", "school_year", "status")
    list_filter = ("session_type", "school_year", "status")
    search_fields = ("title", "sourced_id")


@admin.register(Person)
class PersonAdmin(SyncedAdmin):
    # An IT administrator may let someone claim before the waiting period ends
    # (technicians view the directory only).
    editable_fields = ("claimable_at",)
    list_display = (
        "username",
        "family_name",
        "given_name",
        "role",
        "identifier",
        "primary_org",
        "status",
        "source_system",
        "claimable_at",
    )
    list_filter = (
        "role",
        "status",
        "source_system",
        ("primary_org", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "username",
        "identifier",
        "given_name",
        "family_name",
        "preferred_given_name",
        "email",
        "sourced_id",
    )
    list_select_related = ("primary_org",)


@admin.register(Class)
class ClassAdmin(SyncedAdmin):
    list_display = ("title", "class_code", "class_type", "course_title", "school", "status")
    list_filter = ("class_type", "status", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "class_code", "course_title", "sourced_id")
    list_select_related = ("school",)


@admin.register(Enrollment)
class EnrollmentAdmin(SyncedAdmin):
    list_display = ("person", "klass", "role", "primary", "status")
    list_filter = ("role", "status", ("klass__school", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "person__username",
        "person__identifier",
        "person__family_name",
        "klass__title",
        "sourced_id",
    )
    list_select_related = ("person", "klass")


@admin.register(SyncRun)
class SyncRunAdmin(SyncedAdmin):
    list_display = ("started_at", "kind", "result", "source", "changes", "problems")
    list_filter = ("kind", "result")
    search_fields = ("source",)

    @admin.display(description=_("changes"))
    def changes(self, run: SyncRun) -> int:
        counts = run.report.get("counts", {})
        return sum(
            c.get(k, 0)
            for c in counts.values()
            for k in ("created", "updated", "deactivated", "reactivated")
        )

    @admin.display(description=_("problems"))
    def problems(self, run: SyncRun) -> int:
        return len(run.report.get("problems", [])) + int(run.report.get("problems_not_stored", 0))
