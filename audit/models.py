from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    CLAIM_STARTED = "claim.started", _("Claim started")
    CLAIM_COMPLETED = "claim.completed", _("Claim completed")
    CLAIM_FAILED = "claim.failed", _("Claim failed")
    LOGIN_SUCCEEDED = "login.succeeded", _("Login succeeded")
    LOGIN_FAILED = "login.failed", _("Login failed")
    LOGOUT = "logout", _("Logout")
    THROTTLED = "throttled", _("Throttled")
    PASSWORD_CHANGED = "password.changed", _("Password changed")
    PASSWORD_RESET = "password.reset", _("Password reset")
    PASSWORD_RESET_FAILED = "password.reset_failed", _("Password reset failed")
    PASSWORD_CHECK_FAILED = "password.check_failed", _("Current password not correct")
    RECOVERY_LOCKED = "recovery.locked", _("Self-service recovery locked")
    CHALLENGES_CHANGED = "challenges.changed", _("Challenge questions changed")
    USERNAME_RECOVERED = "username.recovered", _("Username recovery requested")
    ACCOUNT_RESET = "account.reset", _("Account reset")
    ACCOUNT_DISABLED = "account.disabled", _("Account disabled")
    ACCOUNT_ENABLED = "account.enabled", _("Account enabled")
    ACCOUNT_RENAMED = "account.renamed", _("Account username follows the directory")
    PRIVILEGES_CHANGED = "privileges.changed", _("Privileges changed")
    PRIVILEGES_REFUSED = "privileges.refused", _("Privileged action refused")
    SSO_TOKEN_ISSUED = "sso.token_issued", _("Single sign-on token issued")
    SSO_TOKEN_REFUSED = "sso.token_refused", _("Single sign-on token refused")
    SSO_TOKENS_ENDED = "sso.tokens_ended", _("Single sign-on tokens ended")
    SSO_CLIENT_SECRET_CHANGED = "sso.client_secret_changed", _(
        "Single sign-on client secret replaced"
    )
    PERSON_DEACTIVATED = "person.deactivated", _("Person deactivated by sync")
    PERSON_REACTIVATED = "person.reactivated", _("Person reactivated by sync")
    SYNC_APPLIED = "sync.applied", _("Directory sync applied")
    SYNC_REFUSED = "sync.refused", _("Directory sync refused")
    SYNC_APPROVED = "sync.approved", _("Refused directory sync approved")
    SYNC_DISCARDED = "sync.discarded", _("Refused directory sync discarded")
    POLICY_ACCEPTED = "policy.accepted", _("Acceptable Use Policy accepted")
    POLICY_DECLINED = "policy.declined", _("Acceptable Use Policy declined")
    RECORDS_VIEWED = "records.viewed", _("Records viewed")
    RECOVERY_UNLOCKED = "recovery.unlocked", _("Self-service recovery unlocked")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    BLOCKED = "blocked", _("Blocked")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk writes other than INSERT are refused, like the single-row ones below:
    filter(...).update() and .delete() would otherwise rewrite history silently."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One security event. Rows are never updated or deleted by the application."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        # The (account, -occurred_at) index below serves every lookup by account.
        db_index=False,
    )
    person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,  # indexed below, only where set
        help_text=_("The staff member who acted, when it was not the person themself."),
    )
    ip_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    details: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # Every sign-in and every synced person appends a row, and each index is one
        # more B-tree to write: one index per question asked of the log. The event
        # type is declared here rather than with db_index, which on PostgreSQL adds
        # a second, LIKE-only index nobody queries. A staff member acts in few
        # events, so the actor index leaves out the rest.
        indexes = [
            models.Index(fields=["account", "-occurred_at"]),
            models.Index(fields=["event_type", "-occurred_at"], name="audit_event_type_time_idx"),
            models.Index(
                fields=["actor"],
                condition=models.Q(actor__isnull=False),
                name="audit_event_actor_set_idx",
            ),
        ]

    def __str__(self) -> str:
        # In the district's time zone (TIME_ZONE), as the admin's lists show times.
        when = timezone.localtime(self.occurred_at)
        return f"{when:%Y-%m-%d %H:%M:%S} {self.event_type} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")
