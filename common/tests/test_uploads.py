"""Multipart bodies (files) reach only the views marked @accepts_file_uploads; any
other view's request is answered 415 before its body is read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import iscoroutinefunction
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from common.tests.client import MULTIPART_CONTENT, FormClient
from common.tests.upload_recorder import HANDLERS, RecordingUploadHandler
from common.uploads import accepts_file_uploads, takes_files


def describe_upload(request: HttpRequest) -> HttpResponse:
    """Names the files and fields it was sent."""
    files = ",".join(
        f"{name}={upload.name}" for name in request.FILES for upload in request.FILES.getlist(name)
    )
    return HttpResponse(f"files:{files} note:{request.POST.get('note', '')}")


urlpatterns = [
    path("attach/", csrf_exempt(accepts_file_uploads(describe_upload))),
    path("plain/", describe_upload),
]


@pytest.fixture(autouse=True)
def _these_urls(settings) -> Iterator[None]:
    settings.ROOT_URLCONF = __name__
    RecordingUploadHandler.started.clear()
    yield
    RecordingUploadHandler.started.clear()


def a_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4 " + b"x" * 4096, "application/pdf")


def post_multipart(url: str, **headers: str):
    # With the CSRF check on, as for a browser: the check reads the body's fields.
    return FormClient(enforce_csrf_checks=True).post(
        url, {"note": "hello", "upload": a_file()}, content_type=MULTIPART_CONTENT,
        headers=headers,
    )


def test_a_view_marked_as_taking_files_receives_them():
    response = post_multipart("/attach/")
    assert response.status_code == 200
    assert response.content.decode() == "files:upload=report.pdf note:hello"


def test_any_other_view_refuses_a_multipart_body_without_reading_it(settings):
    settings.FILE_UPLOAD_HANDLERS = HANDLERS
    response = post_multipart("/plain/")
    assert response.status_code == 415
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "This form does not take files."
    assert RecordingUploadHandler.started == []


def test_a_marked_view_has_its_body_parsed_as_usual(settings):
    settings.FILE_UPLOAD_HANDLERS = HANDLERS
    assert post_multipart("/attach/").status_code == 200
    assert RecordingUploadHandler.started == ["report.pdf"]


def test_the_refusal_is_in_the_visitors_language():
    english = "This form does not take files."
    response = post_multipart("/plain/", **{"accept-language": "vi"})
    with translation.override("vi"):
        expected = translation.gettext(english)
    assert expected != english
    assert response.content.decode() == expected


def test_an_urlencoded_post_to_a_view_that_takes_no_file_goes_through():
    response = FormClient().post("/plain/", {"note": "hello"})  # no CSRF check
    assert response.status_code == 200
    assert response.content.decode() == "files: note:hello"


def test_the_mark_keeps_the_view_as_it_was():
    async def upload_async(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    marked = accepts_file_uploads(describe_upload)
    assert takes_files(marked) and not takes_files(describe_upload)
    assert marked.__name__ == "describe_upload"
    assert marked.__doc__ == describe_upload.__doc__
    assert iscoroutinefunction(accepts_file_uploads(upload_async))
    assert takes_files(accepts_file_uploads(upload_async))
