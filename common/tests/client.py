"""The test client the suite posts forms with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils.http import urlencode

from common.form_replay import SESSION_KEY as REPLAY_KEY

FORM_CONTENT = "application/x-www-form-urlencoded"

__all__ = ["FORM_CONTENT", "MULTIPART_CONTENT", "FormClient"]


class FormClient(Client):
    """Django's test client, posting a dict as a browser posts a form.

    Django's client sends multipart/form-data by default; a browser sends a form
    without an enctype (every form of the portal, and the admin's for models with no
    file field) as application/x-www-form-urlencoded, and the portal refuses
    multipart bodies to views that take no file (common.uploads). Pass
    content_type=MULTIPART_CONTENT to post as the default client does."""

    # Client.post itself differs from RequestFactory.post (follow=); django-stubs
    # marks its own override the same way.
    def post(  # type: ignore[override]
        self,
        path: Any,
        data: Any = None,
        content_type: str = FORM_CONTENT,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, Any] | None = None,
        query_params: Mapping[Any, Any] | None = None,
        **extra: Any,
    ) -> Any:
        if content_type == FORM_CONTENT and isinstance(data, Mapping):
            if any(_is_file(value) for value in data.values()):
                # A form with a file input posts multipart/form-data.
                content_type = MULTIPART_CONTENT
            else:
                data = urlencode(data, doseq=True)
        return super().post(
            path,
            data,
            content_type,
            follow,
            secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )


    def submit(self, path: Any, data: Any = None, **extra: Any) -> Any:
        """Post a form as a browser does and, when the page answered with its errors
        by a redirect (common.form_replay), load the page that shows them, as the
        browser does next. Any other answer (a redirect to the next step) is
        returned as it came."""
        response = self.post(path, data, **extra)
        if response.status_code == 302 and REPLAY_KEY in self.session:
            return self.get(response.url, **extra)
        return response


def _is_file(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_is_file(item) for item in value)
    return hasattr(value, "read")
