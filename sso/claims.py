"""What an app learns about a person, by data set (sso.models.DataSet).

The mapping names no protocol: OpenID Connect puts these claims in ID tokens and
userinfo answers (sso.oidc.validators); SAML attributes can be made from the same
dictionary. An app receives only the data sets it was given and asked for, and a
student's claims hold nothing beyond them: no ID number, birth date or address,
only the schools the student attends and the student's own grade.
"""

from __future__ import annotations

from typing import Any, TypedDict

from accounts.models import Account
from directory.models import Org, Status
from sso.models import DataSet, Subject


class SchoolClaim(TypedDict):
    id: str
    identifier: str
    name: str


# Claim names per data set, as listed in the discovery document.
CLAIMS_BY_DATA_SET: dict[str, tuple[str, ...]] = {
    DataSet.PROFILE: ("preferred_username", "name", "given_name", "family_name"),
    DataSet.EMAIL: ("email", "email_verified"),
    DataSet.ROSTER: ("role", "schools", "grades"),
}


def claim_data_set(claim: str) -> str | None:
    for data_set, claims in CLAIMS_BY_DATA_SET.items():
        if claim in claims:
            return data_set
    return None


def subject(account: Account) -> str:
    return Subject.for_account(account)


def claims_for(account: Account, data_sets: set[str]) -> dict[str, Any]:
    """The claims of `data_sets` for this account, `sub` always."""
    claims: dict[str, Any] = {"sub": subject(account)}
    person = account.person
    if DataSet.PROFILE in data_sets:
        claims["preferred_username"] = account.username
        if person is not None:
            claims["name"] = person.display_name
            claims["given_name"] = person.preferred_given_name or person.given_name
            claims["family_name"] = person.preferred_family_name or person.family_name
        else:
            claims["name"] = account.username
    if DataSet.EMAIL in data_sets and account.email:
        # The district issues and keeps these addresses.
        claims["email"] = account.email
        claims["email_verified"] = True
    if DataSet.ROSTER in data_sets and person is not None:
        claims["role"] = person.role
        schools = person.orgs.filter(org_type=Org.OrgType.SCHOOL, status=Status.ACTIVE).order_by(
            "name"
        )
        claims["schools"] = [
            SchoolClaim(id=school.sourced_id, identifier=school.identifier, name=school.name)
            for school in schools
        ]
        claims["grades"] = grades_of(person.grades)
    return claims


def grades_of(grades: str) -> list[str]:
    return [grade.strip() for grade in grades.split(",") if grade.strip()]
