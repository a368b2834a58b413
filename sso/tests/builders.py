"""Builders for single sign-on tests: schools, apps and their clients."""

from __future__ import annotations

import itertools
from typing import Any

from directory.models import Org
from sso.models import App, DataSet
from sso.services import ClientCredentials, ClientSettings, do_save_oidc_client
from sso.tests.relying_party import LOGOUT_REDIRECT_URI, REDIRECT_URI

_sequence = itertools.count(1)
ALL_DATA = [DataSet.PROFILE, DataSet.EMAIL, DataSet.ROSTER]


def make_school(name: str = "Lincoln High School", identifier: str = "") -> Org:
    n = next(_sequence)
    return Org.objects.create(
        sourced_id=f"school-{n}", name=name, org_type=Org.OrgType.SCHOOL,
        identifier=identifier or f"{100 + n}",
    )


def make_app(name: str = "Classroom", **fields: Any) -> App:
    schools = fields.pop("schools", [])
    fields.setdefault("launch_url", "https://app.example.org/login")
    app = App.objects.create(name=name, **fields)
    if schools:
        app.schools.set(schools)
    return app


def make_oidc_app(
    name: str = "Classroom",
    *,
    confidential: bool = False,
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,),
    **fields: Any,
) -> tuple[App, ClientCredentials]:
    """An app with a client; the credentials hold the secret of a confidential one
    (empty for a public client, which has none)."""
    fields.setdefault("data_sets", list(ALL_DATA))
    fields.setdefault("approved", True)
    app = make_app(name, **fields)
    credentials = do_save_oidc_client(
        app,
        ClientSettings(
            confidential=confidential,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=(LOGOUT_REDIRECT_URI,),
        ),
    )
    assert app.oidc_client is not None
    return app, credentials or ClientCredentials(app.oidc_client.client_id, "")
