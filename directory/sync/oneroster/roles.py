"""A user's role and orgs: from users.csv in 1.1, from roles.csv in 1.2."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.utils.translation import gettext as _

from directory.sync.oneroster.reading import Reading
from directory.sync.oneroster.schema import COLUMNS, ROLE_MAP, RoleEntry
from directory.sync.reader import Row
from directory.sync.report import IgnoredReason
from directory.sync.rows import RowErrors
from directory.sync.values import split_list


class UserRole(NamedTuple):
    """A user's directory role (None: not a directory person) and orgs."""

    role: str | None
    primary_org: str | None
    orgs: list[str]


def read_roles(reading: Reading) -> None:
    """roles.csv (1.2): every role row, grouped by user, for ``role_of`` to choose from."""
    by_user: dict[str, list[RoleEntry]] = defaultdict(list)
    for context, row, sid, present in reading.rows("roles", COLUMNS["roles"]):
        errors = RowErrors(context, row.line)
        if present is False:
            continue
        user = errors.text(row, "userSourcedId", required=True)
        role_type = row.get("roleType").casefold()
        if role_type not in ("primary", "secondary"):
            errors.fail(
                "roleType",
                _("Unknown roleType %(value)r; expected primary or secondary.")
                % {"value": row.get("roleType")},
            )
        role_name = row.get("role").casefold()
        if role_name not in ROLE_MAP and not role_name.startswith("ext:"):
            errors.fail("role", _("Unknown role %(value)r.") % {"value": row.get("role")})
        org: str | None = row.get("orgSourcedId")
        if not org:
            errors.fail("orgSourcedId", _("A value is required."))
        elif not reading.optional_reference(
            errors, "orgSourcedId", org, "orgs", reading.universe.orgs
        ):
            org = None  # the role stands, without an org that is nowhere
        if present is None or not errors.ok:
            context.reject(sid, row.line)
            continue
        # Vendor extension roles are not ours to interpret: ignored like guardians.
        by_user[user].append(RoleEntry(row.line, role_type, ROLE_MAP.get(role_name), org))
    reading.roles_by_user = by_user


def role_from_users_11(reading: Reading, errors: RowErrors, row: Row) -> UserRole | None:
    """1.1 keeps the role and orgs on the user row; None for a user that is not a
    directory person (a guardian, a vendor extension role)."""
    role_name = row.get("role").casefold()
    if role_name.startswith("ext:") or (role_name in ROLE_MAP and ROLE_MAP[role_name] is None):
        return None
    if role_name not in ROLE_MAP:
        errors.fail("role", _("Unknown role %(value)r.") % {"value": row.get("role")})
    orgs = reading.universe.orgs
    org_ids = [
        org
        for org in split_list(row.get("orgSourcedIds"))
        # The membership test first spares a call for every org that is there.
        if org in orgs or reading.optional_reference(errors, "orgSourcedIds", org, "orgs", orgs)
    ]
    # 1.1 has no primary org: the first listed one stands in.
    return UserRole(ROLE_MAP.get(role_name), org_ids[0] if org_ids else None, org_ids)


def role_from_roles_12(reading: Reading, errors: RowErrors, row: Row) -> UserRole | None:
    """1.2: the primary role among the user's roles.csv rows; None for a user whose
    roles are all outside the directory."""
    sid = row.get("sourcedId")
    entries = reading.roles_by_user.get(sid)
    if entries:
        ours = [e for e in entries if e.role is not None]
        if not ours:
            return None
        main = next((e for e in ours if e.role_type == "primary"), ours[0])
        org_ids = list(dict.fromkeys(e.org for e in ours if e.org))
        primary_org = row.get("primaryOrgSourcedId") or main.org
        if primary_org and primary_org not in org_ids:
            if reading.optional_reference(
                errors, "primaryOrgSourcedId", primary_org, "orgs", reading.universe.orgs
            ):
                org_ids.append(primary_org)
            else:
                primary_org = main.org
        return UserRole(main.role, primary_org, org_ids)
    current = reading.snapshot.people.get(sid)
    if not reading.manifest.bulk("roles") and current is not None:
        # A delta package may update a user without resending its roles.
        values = current.values
        return UserRole(values.role, values.primary_org, sorted(values.orgs))
    errors.fail("sourcedId", _("This user has no role in roles.csv."))
    return UserRole(None, None, [])


def check_roles(reading: Reading) -> None:
    """Roles of users that are neither in users.csv nor in the directory are errors."""
    context = reading.contexts.get("roles")
    if context is None:
        return
    users = reading.desired.users
    snapshot = reading.snapshot
    for user, entries in reading.roles_by_user.items():
        if user in users or user in reading.ignored_users or user in reading.links.by_sid:
            continue
        if user in snapshot.known or user in snapshot.hr_by_sid:
            # The user row was not sent (delta): roles alone do not change a person.
            for entry in entries:
                context.ignore(entry.line, IgnoredReason.ROLE_WITHOUT_USER_ROW)
            continue
        users_context = reading.contexts.get("users")
        for entry in entries:
            errors = RowErrors(context, entry.line)
            if users_context and user in users_context.rejected:
                reading.reference(errors, "userSourcedId", user, "users", set())
            else:
                errors.fail(
                    "userSourcedId",
                    _("userSourcedId %(sid)r is not in users.csv.") % {"sid": user},
                )
            context.counts.rejected += 1
