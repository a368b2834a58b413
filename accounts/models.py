"""Accounts: a person's sign-in identity, created when they claim it.

An Account belongs to a directory Person (district IT staff created with
createsuperuser have none). Its username is the Person's, in lower case, so
sign-in is case-insensitive: S0123456 and s0123456 are the same account.

Whether the account is claimed is copied to its person (Person.account_claimed, what
the dashboard counts) by Account.save and when an account is deleted, whichever way.
Writing claims around them (bulk_create, a queryset's update of claimed_at or
person) must call copy_claims_to_people afterwards; `manage.py correct_claim_copies`
corrects any person whose copy differs.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from directory.models import Person

# What signing in reads: the hash, the checks of accounts.authentication, login()
# (the session's hash of the password, last_login), the language, the audit row and
# the role whose Acceptable Use Policy applies (accounts.role_policies.policy_role).
SIGN_IN_FIELDS = (
    "id", "username", "password", "last_login", "is_active", "is_staff", "is_superuser",
    "claimed_at", "language", "person", "person__id", "person__status", "person__role",
)


# The account fields that decide whether its person has claimed (update_fields
# takes a foreign key by either name).
CLAIM_FIELDS = frozenset({"claimed_at", "person", "person_id"})


class ClaimState(NamedTuple):
    """What an account says of its person's claim."""

    person_id: int | None
    claimed: bool


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> Account:
        """The account Django's sign-in checks (ModelBackend.authenticate), with the
        person: signing in checks that they are still in the directory. Only what a
        sign-in reads is loaded (a person row is wide); any other field a caller
        touches loads when it is first read."""
        return (
            self.select_related("person")
            .only(*SIGN_IN_FIELDS)
            .get(username=(username or "").strip().casefold())
        )

    def create_user(
        self, username: str, password: str | None = None, **extra: Any
    ) -> Account:
        account = self.model(username=username.casefold(), **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(
        self, username: str, password: str | None = None, **extra: Any
    ) -> Account:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class Account(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(_("username"), max_length=150, unique=True)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    # A technician's switch, separate from the directory's status: either one
    # being off stops sign-in.
    is_active = models.BooleanField(_("enabled"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # Self-service password recovery: failed challenge answers, and when it locked.
    recovery_failures = models.PositiveSmallIntegerField(default=0)
    recovery_locked_at = models.DateTimeField(null=True, blank=True)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = self.username.casefold()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and CLAIM_FIELDS.isdisjoint(update_fields):
            # A sign-in's last_login, a language: the claim is as it was.
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            before = self._stored_claim()
            super().save(*args, **kwargs)
            after = self._stored_claim()
            if after != before:
                # Only then is the person's row written: a password change or any
                # other save leaves it (and its lock) alone.
                copy_claims_to_people(
                    [pk for pk in (after.person_id, before.person_id) if pk is not None]
                )

    def _stored_claim(self) -> ClaimState:
        """The claim as the database holds it now (nothing for an unsaved account)."""
        stored = (
            Account.objects.filter(pk=self.pk).values_list("person_id", "claimed_at").first()
            if self.pk is not None else None
        )
        if stored is None:
            return ClaimState(None, claimed=False)
        return ClaimState(stored[0], claimed=stored[1] is not None)

    @property
    def email(self) -> str:
        return self.person.email if self.person is not None else ""

    @property
    def display_name(self) -> str:
        return self.person.display_name if self.person is not None else self.username

    @property
    def display_username(self) -> str:
        """How the username is shown (Person.display_username); staff without a
        directory person as stored."""
        return self.person.display_username if self.person is not None else self.username

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None

    @cached_property
    def group_names(self) -> frozenset[str]:
        """The names of the account's groups, read once per instance: the admin asks
        accounts.roles on every permission check of a page, and a request's user is
        a new instance on every request."""
        return frozenset(self.groups.values_list("name", flat=True))


def copy_claims_to_people(person_ids: Collection[int] | None) -> None:
    """Set Person.account_claimed of these people (everyone for None) from their
    accounts as they now are: claimed, or not (no account, reset, deleted). Read
    from the accounts in the same statement, so it holds whatever changed before."""
    people = Person.objects.all()
    if person_ids is not None:
        if not person_ids:
            return
        people = people.filter(pk__in=person_ids)
    people.update(account_claimed=_has_claimed_account())


def _has_claimed_account() -> Exists:
    """For a query of people: whether the person's account is claimed."""
    return Exists(Account.objects.filter(person=OuterRef("pk"), claimed_at__isnull=False))


def lock_person_of(account: Account) -> None:
    """Lock the account's person (inside a transaction) before the account itself is
    locked: a claim locks the person first, and a change of the claim writes the
    person's row, so taking them in the other order could deadlock with a claim."""
    person_id = Account.objects.filter(pk=account.pk).values_list("person_id", flat=True).first()
    if person_id is not None:
        list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True))


def correct_claim_copies() -> int:
    """Set Person.account_claimed wherever it differs from the person's account (after
    an upgrade during which the code before it claimed accounts, or accounts written in
    bulk): how many people were corrected. Rows already right are not written."""
    claimed = _has_claimed_account()
    unset = Person.objects.filter(account_claimed=True).exclude(claimed)
    missed = Person.objects.filter(account_claimed=False).filter(claimed)
    with transaction.atomic():
        return unset.update(account_claimed=False) + missed.update(account_claimed=True)


@receiver(post_delete, sender=Account)
def _unclaim_person_of_deleted_account(instance: Account, **kwargs: Any) -> None:
    # Sent for each account a queryset's delete() removes too.
    if instance.person_id is not None:
        copy_claims_to_people([instance.person_id])


class TextPerLanguage:
    """For records with a text per language (text_en, text_es, text_vi)."""

    text_en: Any

    def text_for(self, language: str) -> str:
        """The text in `language`, English when there is none in it."""
        return str(getattr(self, f"text_{language[:2]}", "") or self.text_en)


class PasswordHistory(models.Model):
    """Hashes of an account's earlier passwords, for "Passwords cannot be reused"."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "password history"

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.created_at:%Y-%m-%d}"


class ChallengeQuestion(TextPerLanguage, models.Model):
    """A question in the catalog administrators keep; one text per language."""

    text_en = models.CharField(_("question (English)"), max_length=255)
    text_es = models.CharField(_("question (Spanish)"), max_length=255)
    text_vi = models.CharField(_("question (Vietnamese)"), max_length=255)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text_en



class ChallengeAnswer(models.Model):
    """A hashed, normalised answer. Never displayed, logged or emailed."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="challenge_answers")
    question = models.ForeignKey(ChallengeQuestion, on_delete=models.PROTECT, related_name="+")
    answer_hash = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"answer of {self.account_id} to {self.question_id}"


class AcceptableUsePolicy(TextPerLanguage, models.Model):
    """A version of the district's Acceptable Use Policy, as IT publishes it.

    Once published its text is fixed (the admin shows it read-only): what a person
    accepted must stay what they read. A change is a new version, which everyone it
    applies to is asked to accept at their next sign-in."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    text_en = models.TextField(_("text (English)"), help_text=_("Markdown."))
    text_es = models.TextField(_("text (Spanish)"), blank=True, help_text=_("Markdown."))
    text_vi = models.TextField(_("text (Vietnamese)"), blank=True, help_text=_("Markdown."))
    # accounts.role_policies roles: the directory's four, and "it" for IT staff.
    roles = models.JSONField(_("roles it applies to"), default=list)
    guardian_note_under_13 = models.BooleanField(
        _("students under 13 note a parent's or guardian's acceptance"), default=False
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("Acceptable Use Policy")
        verbose_name_plural = _("Acceptable Use Policies")

    def __str__(self) -> str:
        return self.version



class PolicyAcceptance(models.Model):
    """A person's acceptance of one version: when, from where, in which language."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="policy_acceptances"
    )
    policy = models.ForeignKey(AcceptableUsePolicy, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=10)
    # A student's own statement that a parent or guardian read it with them (the
    # directory holds no birth dates, so this is asked, not derived).
    guardian_noted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "policy"], name="one_acceptance_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} accepted {self.policy_id}"
