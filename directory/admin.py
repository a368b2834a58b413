"""Admin for the directory. The source systems own these rows: every synced field is
read-only and nothing can be added or deleted here (a sync would undo it)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from directory.models import AcademicSession, Class, Enrollment, Org, Person, SyncRun
from directory.sync.report import Problem
from directory.sync.review import (
    ReviewRefused,
    can_review,
    do_approve_held_run,
    do_discard_held_run,
)

COUNT_LABELS = (
    ("created", _("created")),
    ("updated", _("updated")),
    ("deactivated", _("deactivated")),
    ("reactivated", _("reactivated")),
    ("unchanged", _("unchanged")),
    ("ignored", _("ignored")),
    ("rejected", _("held back")),
)


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
    list_display: tuple[str, ...] = (
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
    list_filter: ClassVar[tuple[Any, ...]] = (
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
    list_select_related: ClassVar[tuple[str, ...]] = ("primary_org",)


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
    """Every run with its report. A refused run waits for an IT administrator, who
    reads what it would change and approves (applies) or discards it."""

    list_display = (
        "started_at", "kind", "result", "review", "source", "changes", "held_back", "problems",
    )  # fmt: skip
    list_filter = ("kind", "result", "review", "scheduled")
    search_fields = ("source",)
    actions = ["approve_runs", "discard_runs"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["summary", "held_back_rows", *super().get_readonly_fields(request, obj)]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return can_review(request.user)

    @admin.display(description=_("changes"))
    def changes(self, run: SyncRun) -> int:
        counts = run.report.get("counts", {})
        return sum(
            c.get(k, 0)
            for c in counts.values()
            for k in ("created", "updated", "deactivated", "reactivated")
        )

    @admin.display(description=_("held back"))
    def held_back(self, run: SyncRun) -> int:
        return int(run.report.get("held_back", 0))

    @admin.display(description=_("problems"))
    def problems(self, run: SyncRun) -> int:
        return len(run.report.get("problems", [])) + int(run.report.get("problems_not_stored", 0))

    @admin.display(description=_("what this run does"))
    def summary(self, run: SyncRun) -> str:
        headings = [_("file"), *(label for _name, label in COUNT_LABELS)]
        rows = [
            [entity, *(str(counts.get(name, 0)) for name, _label in COUNT_LABELS)]
            for entity, counts in run.report.get("counts", {}).items()
        ]
        head = format_html_join("", "<th scope='col'>{}</th>", ((h,) for h in headings))
        body = format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
        )
        return format_html(
            "<p>{}</p><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            run.report.get("message", ""),
            head,
            body,
        )

    @admin.display(description=_("rows held back and problems"))
    def held_back_rows(self, run: SyncRun) -> str:
        lines = [str(Problem(**problem)) for problem in run.report.get("problems", [])]
        if not lines:
            return "-"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((x,) for x in lines))
        )

    @admin.action(description=_("Approve the selected refused runs (apply them)"),
                  permissions=["review"])  # fmt: skip
    def approve_runs(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        actor = request.user
        if not isinstance(actor, AbstractBaseUser):
            return
        for run in queryset.filter(review=SyncRun.Review.PENDING):
            try:
                approval = do_approve_held_run(run.pk, actor=actor)
            except ReviewRefused:
                continue
            if approval.report.result == SyncRun.Result.APPLIED:
                self.message_user(request, _("%(run)s: applied.") % {"run": run})
            else:
                self.message_user(
                    request,
                    _("%(run)s: not applied (%(message)s); it still waits for review.")
                    % {"run": run, "message": approval.report.message},
                    level=messages.ERROR,
                )

    @admin.action(description=_("Discard the selected refused runs"), permissions=["review"])
    def discard_runs(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        actor = request.user
        if not isinstance(actor, AbstractBaseUser):
            return
        for run in queryset.filter(review=SyncRun.Review.PENDING):
            try:
                do_discard_held_run(run.pk, actor=actor)
            except ReviewRefused:
                continue
            self.message_user(request, _("%(run)s: discarded.") % {"run": run})
