"""Admin for the directory. The source systems own these rows: every synced field is
read-only and nothing can be added or deleted here (a sync would undo it)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import AcademicSession, Class, Enrollment, Org, Person, SyncRun
from directory.run_report import build_run_report, short_summary
from directory.sync.review import (
    ReviewRefused,
    can_review,
    do_approve_held_run,
    do_discard_held_run,
)


class SyncedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only for synced fields; ``editable_fields`` lists the local exceptions."""

    editable_fields: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Only the fields edited here: a whole-row save would write back the rest as
        # loaded, over what the sync or a claim changed meanwhile.
        obj.save(update_fields=[name for name in form.changed_data if name in self.editable_fields])

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
    """Every run with its report, read-only: the change page is the report
    (``run_report.py``). A refused run waits for an IT administrator, who reads what it
    would change and approves (applies) or discards it."""

    # Few, short columns, so the summary is never cut off beside the filters.
    list_display = ("started", "kind", "outcome", "source_name", "summary")
    list_filter = ("kind", "result", "review", "scheduled")
    search_fields = ("source",)
    actions = ["approve_runs", "discard_runs"]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return can_review(request.user)

    @admin.display(description=_("started"), ordering="started_at")
    def started(self, run: SyncRun) -> str:
        return f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}"

    @admin.display(description=_("result"), ordering="result")
    def outcome(self, run: SyncRun) -> str:
        if not run.review:
            return run.get_result_display()
        return f"{run.get_result_display()}: {run.get_review_display()}"

    @admin.display(description=_("source"), ordering="source")
    def source_name(self, run: SyncRun) -> str:
        # The folder or file, not the whole path: the report page gives the path.
        return PurePath(run.source).name or run.source

    @admin.display(description=_("summary"))
    def summary(self, run: SyncRun) -> str:
        return short_summary(run)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The run's report; there is nothing to edit, so no form and no Save."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        run = self.get_object(request, unquote(object_id))
        if run is None:
            raise Http404
        if not self.has_view_or_change_permission(request, run):
            raise PermissionDenied
        started = timezone.localtime(run.started_at)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(kind)s sync of %(when)s")
            % {"kind": run.get_kind_display(), "when": f"{started:%Y-%m-%d %H:%M}"},
            "run": run,
            "report": build_run_report(run),
            "message": run.report.get("message", ""),
            "can_review": run.review == SyncRun.Review.PENDING
            and self.has_review_permission(request),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/directory/syncrun/report.html", context)

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
