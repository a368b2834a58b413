"""Files are taken only by views that say so.

No form of the portal takes a file, yet Django parses any multipart/form-data POST
it is sent, writing each file over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file
before any view has looked at the request. RefuseUnexpectedUploadsMiddleware
answers such a request before anything reads its body, unless its view is marked
with @accepts_file_uploads (the support center's attachments, for instance)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

MARK = "accepts_file_uploads"

View = TypeVar("View", bound=Callable[..., Any])


def accepts_file_uploads(view: View) -> View:
    """Let `view` receive multipart/form-data (files). Decorate the function the
    URLconf is given (for a class-based view, the result of as_view())."""
    if iscoroutinefunction(view):

        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return await view(request, *args, **kwargs)

        wrapper: Callable[..., Any] = async_wrapper
    else:

        def sync_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return view(request, *args, **kwargs)

        wrapper = sync_wrapper
    setattr(wrapper, MARK, True)
    return cast(View, wraps(view)(wrapper))


def takes_files(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, MARK, False))


class RefuseUnexpectedUploadsMiddleware:
    """Answers 415 to a multipart/form-data request for a view that takes no file.

    Placed before CsrfViewMiddleware, whose check reads request.POST (and so parses
    the body): only the Content-Type header is looked at here. Browsers send the
    portal's forms, which have no enctype, as application/x-www-form-urlencoded,
    and so does the admin for models without file fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.content_type != "multipart/form-data" or takes_files(view_func):
            return None
        return HttpResponse(
            _("This form does not take files."),
            status=415,
            content_type="text/plain; charset=utf-8",
        )
