from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from outbox.models import OutboxMessage


@staff_member_required
def message_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(OutboxMessage.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "outbox/message_list.html", {"page": page})


@staff_member_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "outbox/message_detail.html", {"message": message})
