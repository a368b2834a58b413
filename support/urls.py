from django.urls import path

from support import views, views_queue

app_name = "support"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("queue/", views_queue.queue, name="queue"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/view/", views.attachment_inline, name="attachment-inline"),
]
