"""Self-service recovery: forgot username (by email) and forgot password (by the
three challenge questions).

Nothing here tells a visitor whether an account exists:
- forgot username answers the same page whatever the address;
- forgot password shows three questions for any username. An unknown (or
  unclaimed, disabled, deactivated) username gets the questions of one real
  account, picked by a keyed hash of the typed username, so a reload shows the
  same ones and a set's frequency says nothing; its answers always fail, and its
  attempts are counted (common.throttle) so it locks after the same number of tries
  as a real account (whose count is on the Account row: recovery_failures).
"""

from __future__ import annotations

import hashlib
import hmac
import random
from enum import Enum

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import login as login_service
from accounts.challenges import check_answers, questions_in_use
from accounts.models import Account, ChallengeAnswer, ChallengeQuestion
from accounts.passwords import do_set_password, notify_password_changed
from accounts.role_policies import default_question_count
from audit.models import EventType, Outcome
from audit.services import record
from common import throttle
from common.mail import language_for, render_email, send_templated_email
from common.net import client_network
from directory.models import Person, Status

# Long, so an unknown username does not visibly "unlock" on its own while a real
# locked account stays locked until a technician resets it.
UNKNOWN_USERNAME_LOCK_SECONDS = 365 * 24 * 3600


class AnswerOutcome(Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    LOCKED = "locked"


def username_request_counter(ip: str) -> throttle.Counter:
    """Forgot-username requests from one client, matched or not."""
    limit = throttle.Limit(
        "recovery-username-ip",
        settings.RECOVERY_MAX_REQUESTS_PER_IP,
        settings.RECOVERY_WINDOW_SECONDS,
    )
    return throttle.Counter(throttle.for_address(limit, ip), client_network(ip))


def password_request_counter(ip: str) -> throttle.Counter:
    """Forgot-password usernames looked up from one client."""
    limit = throttle.Limit(
        "recovery-password-ip",
        settings.RECOVERY_MAX_REQUESTS_PER_IP,
        settings.RECOVERY_WINDOW_SECONDS,
    )
    return throttle.Counter(throttle.for_address(limit, ip), client_network(ip))


def mailbox_counter(mailbox: str) -> throttle.Counter:
    """Username emails to one mailbox, whoever asks."""
    limit = throttle.Limit(
        "recovery-username-recipient",
        settings.RECOVERY_MAX_EMAILS_PER_ADDRESS,
        settings.RECOVERY_WINDOW_SECONDS,
    )
    return throttle.Counter(limit, mailbox)


def unknown_username_counter(username: str) -> throttle.Counter:
    """Answer attempts for a username that has no recoverable account (a real
    account counts on its own row: recovery_failures)."""
    limit = throttle.Limit(
        "recovery-unknown", settings.RECOVERY_MAX_FAILURES, UNKNOWN_USERNAME_LOCK_SECONDS
    )
    return throttle.Counter(limit, username)


def reserve_request(request: HttpRequest, counter: throttle.Counter) -> bool:
    """Reserve this request in a per-address counter; False (audited) once it is full."""
    reservation = throttle.reserve(counter)
    if not reservation.granted:
        record(
            EventType.THROTTLED,
            Outcome.BLOCKED,
            request=request,
            details={"scope": counter.limit.scope},
        )
    return reservation.granted


# --- Forgot username ---------------------------------------------------------------


def do_send_username(request: HttpRequest, email: str) -> None:
    """Email the username to every active person with this district address.

    A claimed account gets its username; a person who has not claimed yet gets
    a "claim your account first" message (only the mailbox owner learns this).
    Disabled accounts and people who left get nothing. The caller shows the same
    page in every case.

    Each mailbox is answered a few times an hour at most, whether or not the
    address matches, so that nobody can fill a teacher's mailbox from many addresses
    (or one school address with its multiplied limit); past that, nothing is sent.
    A match is counted under the stored address: PostgreSQL matches case with
    UPPER(), under which other spellings (a dotless i, U+0131, for "i") name the
    same mailbox."""
    address = email.strip()
    people = list(
        Person.objects.filter(email__iexact=address, status=Status.ACTIVE)
        .select_related("account")
    )
    mailbox = people[0].email if people else address
    throttled = not reserve_request(request, mailbox_counter(mailbox))
    if throttled:
        people = []  # nothing is sent; the page takes as long as a miss
    sent = False
    for person in people:
        account: Account | None = getattr(person, "account", None)
        if account is not None and account.is_claimed and account.is_active:
            send_templated_email(
                "username",
                [person.email],
                {
                    "name": person.display_name,
                    "username": account.display_username,
                    "login_url": _absolute(reverse("accounts:login")),
                },
                language_for(account.language),
            )
            record(EventType.USERNAME_RECOVERED, Outcome.SUCCESS, request=request, account=account)
            sent = True
        elif person.claimable_at <= timezone.now() and (
            account is None or (not account.is_claimed and account.is_active)
        ):
            send_templated_email(
                "unclaimed",
                [person.email],
                {"name": person.display_name, "claim_url": _absolute(reverse("accounts:claim"))},
                language_for(account.language if account is not None else ""),
            )
            record(
                EventType.USERNAME_RECOVERED,
                Outcome.FAILURE,
                request=request,
                account=account,
                person_id=person.pk,
                details={"reason": "unclaimed"},
            )
            sent = True
    if not sent:
        # Render a message anyway and drop it, so the page takes about as long as
        # when an address matches (sending itself is queued, not done in the request).
        render_email(
            "username",
            {"name": "", "username": "", "login_url": _absolute(reverse("accounts:login"))},
            language_for(""),
        )
    if not sent and not throttled:
        # The typed address is not kept: it may be a stranger's personal address.
        record(
            EventType.USERNAME_RECOVERED,
            Outcome.FAILURE,
            request=request,
            details={"reason": "no_match"},
        )


def _absolute(path: str) -> str:
    return str(settings.DISTRICT["portal_url"]).rstrip("/") + path


# --- Forgot password ---------------------------------------------------------------


def find_recoverable_account(username: str) -> Account | None:
    """The account behind a typed username, if it may recover its password itself:
    claimed, enabled, its person active. IT staff accounts without a person use
    the admin instead."""
    key = login_service.normalize_username(username)
    account = (
        Account.objects.select_related("person")
        .filter(username=key, is_active=True, claimed_at__isnull=False, person__isnull=False)
        .first()
    )
    if account is None or account.person is None or not account.person.is_active:
        return None
    return account


def questions_for(username: str, account: Account | None) -> list[ChallengeQuestion]:
    """The questions to ask: the account's own; for any other username (or an
    account whose person skipped the questions, where their role allows it), the
    questions of one account that has answers, chosen by a keyed hash of the typed
    username (so a reload shows the same ones).

    Stand-ins are drawn from the sets real accounts hold, not evenly from the
    catalog: people favour some questions, and a set that is common among real
    accounts but rare among stand-ins (or the reverse) would tell which usernames
    exist. Retired questions come along with the accounts that still hold them.
    With no answers in the district yet, three questions are drawn evenly from the
    catalog. Known and unknown usernames run the same statements, so that they cost
    the same."""
    holders = ChallengeAnswer.objects.order_by("account_id").values_list("account_id", flat=True)
    lowest, highest = holders.first(), holders.last()
    start = account.pk if account is not None else _stand_in_start(username, lowest, highest)
    # The answers of the first account at or after `start` that has any: for a known
    # account, its own.
    holder = holders.filter(account_id__gte=start)[:1]
    held = ChallengeAnswer.objects.filter(account_id__in=holder).values("question_id")
    questions = list(ChallengeQuestion.objects.filter(pk__in=held).order_by("position", "id"))
    if questions:
        return questions
    catalog = questions_in_use()
    count = min(default_question_count(), len(catalog))
    # A stable pick, not a secret.
    drawn = random.Random(_stand_in_digest(username)).sample(catalog, count)
    return sorted(drawn, key=lambda question: (question.position, question.pk))


def _stand_in_start(username: str, lowest: int | None, highest: int | None) -> int:
    """Where a stand-in's account is looked for: an id between the lowest and the
    highest id of an account holding answers, by jump consistent hashing (Lamping and
    Veach, 2014), so that a new claim (one more id at the top) moves only the share
    of usernames that now point at the new account, onto its questions, and leaves
    every other stand-in as it was, as a real account keeps its questions. An account
    after ids that hold no answers (staff, reset accounts) is a little likelier to be
    picked, which has nothing to do with the questions it chose."""
    if lowest is None or highest is None:
        return 0
    key = int.from_bytes(_stand_in_digest(username)[:8], "big")
    bucket, candidate = 0, 0
    while candidate <= highest - lowest:
        bucket = candidate
        key = (key * 2862933555777941757 + 1) % 2**64
        candidate = int((bucket + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return lowest + bucket


def _stand_in_digest(username: str) -> bytes:
    """Keyed, so nobody can work out which account a username's stand-in copies."""
    key = login_service.normalize_username(username)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"recovery-questions:{key}".encode(), hashlib.sha256
    ).digest()


def is_recovery_locked(username: str, account: Account | None) -> bool:
    if account is not None:
        return account.recovery_locked_at is not None
    return throttle.is_blocked(
        unknown_username_counter(login_service.normalize_username(username))
    )


def do_check_recovery_answers(
    request: HttpRequest, username: str, account: Account | None, answers: dict[int, str]
) -> AnswerOutcome:
    """Check the three answers; lock after RECOVERY_MAX_FAILURES wrong tries.

    The attempt is counted *before* the answers are hashed and checked (and the count
    cleared again when they are right), so parallel requests cannot squeeze in more
    than RECOVERY_MAX_FAILURES checks. Locked attempts are refused before any
    hashing, whether or not the account exists, so timing does not tell them apart."""
    key = login_service.normalize_username(username)
    maximum = settings.RECOVERY_MAX_FAILURES
    if account is None:
        reservation = throttle.reserve(unknown_username_counter(key))
        attempt = reservation.counts[0] if reservation.granted else maximum + 1
    else:
        counted = Account.objects.filter(pk=account.pk, recovery_locked_at__isnull=True).update(
            recovery_failures=F("recovery_failures") + 1
        )
        account.refresh_from_db(fields=["recovery_failures", "recovery_locked_at"])
        attempt = account.recovery_failures if counted else maximum + 1

    if attempt > maximum:
        _lock(account)
        record(
            EventType.PASSWORD_RESET_FAILED,
            Outcome.BLOCKED,
            request=request,
            account=account,
            details={
                "username": login_service.username_for_audit(key, account),
                "reason": "locked",
            },
        )
        return AnswerOutcome.LOCKED

    if check_answers(account if account is not None else Account(), answers):
        assert account is not None  # an unsaved Account has no answers to match
        Account.objects.filter(pk=account.pk).update(recovery_failures=0)
        return AnswerOutcome.CORRECT

    record(
        EventType.PASSWORD_RESET_FAILED,
        Outcome.FAILURE,
        request=request,
        account=account,
        details={
            "username": login_service.username_for_audit(key, account),
            "reason": "wrong_answers",
        },
    )
    if attempt < maximum:
        return AnswerOutcome.WRONG
    _lock(account)
    record(
        EventType.RECOVERY_LOCKED,
        Outcome.BLOCKED,
        request=request,
        account=account,
        details={"username": login_service.username_for_audit(key, account)},
    )
    return AnswerOutcome.LOCKED


def _lock(account: Account | None) -> None:
    """Lock a real account's self-service reset (unknown usernames stay locked by
    their attempt counter having reached the limit)."""
    if account is not None:
        Account.objects.filter(pk=account.pk, recovery_locked_at__isnull=True).update(
            recovery_locked_at=timezone.now()
        )


def verification_stamp(account: Account) -> str:
    """What correct answers were checked against, for the session to hold until the
    new password is chosen. It changes with the password (a reset in another tab, a
    technician's reset, a new claim), which voids a verification made before: like
    Django's reset tokens, it hashes the state that using it changes."""
    state = f"{account.pk}:{account.password}:{account.claimed_at}"
    return salted_hmac("accounts.recovery.verified", state).hexdigest()


def is_verification_current(account: Account, stamp: object) -> bool:
    return isinstance(stamp, str) and constant_time_compare(verification_stamp(account), stamp)


COMPLETED_RESET_SECONDS = 300


def do_reset_password(
    request: HttpRequest, account: Account, raw_password: str, *, attempt: str
) -> None:
    """Set the new password chosen after correct answers (validated by the caller).

    `attempt` names this run of "Forgot My Password" (a random token the session
    holds from its first step) and is remembered for a few minutes in the shared
    cache: a double submit whose twin loaded the session before this one saved it
    holds a verification this reset used up, and reset_completed_for tells it that
    the reset is done rather than sending the person back to the start. Another
    browser's run, even one verified for the same account, has its own token.

    The sign-in lock for this username is lifted: the person just proved who they
    are. Every other session of the account ends on its next request, because
    Django ties sessions to the password hash (get_session_auth_hash); nobody is
    signed in by this, the person signs in with the new password. The person is
    told by email, so a reset they did not make does not go unnoticed."""
    with transaction.atomic():
        do_set_password(account, raw_password, request=request, event=EventType.PASSWORD_RESET)
        Account.objects.filter(pk=account.pk).update(recovery_failures=0, recovery_locked_at=None)
        notify_password_changed(account)
    throttle.reset(login_service.account_counter(account.username))
    if attempt:
        cache.set(_completed_key(attempt), account.display_username, COMPLETED_RESET_SECONDS)


def reset_completed_for(attempt: object) -> str | None:
    """The username (as shown) whose reset this run (`attempt`) completed a moment ago."""
    if not isinstance(attempt, str) or not attempt:
        return None
    username = cache.get(_completed_key(attempt))
    return str(username) if username else None


def _completed_key(attempt: str) -> str:
    return f"recovery-completed:{attempt}"
