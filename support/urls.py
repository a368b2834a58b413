from django.urls import path
from django.views.generic import RedirectView

from support import views, views_equipment, views_kb, views_queue, views_resets

app_name = "support"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("queue/", views_queue.queue, name="queue"),
    path("kb/", views_kb.kb_index, name="kb"),
    path("kb/<slug:slug>/", views_kb.kb_article, name="kb-article"),
    # "My students" is one page with the claim campaign's, on the dashboard.
    path(
        "students/",
        RedirectView.as_view(pattern_name="dashboard:students"),
        name="students",
    ),
    path("equipment/", views_equipment.request_equipment, name="equipment-request"),
    path(
        "tickets/<int:pk>/equipment/handout/",
        views_equipment.record_handout,
        name="equipment-handout",
    ),
    path(
        "tickets/<int:pk>/equipment/<str:decision>/",
        views_equipment.decide_equipment,
        name="equipment-decide",
    ),
    path(
        "people/<int:person_pk>/equipment/",
        views_equipment.person_equipment,
        name="person-equipment",
    ),
    path(
        "students/<int:person_pk>/reset/", views_resets.request_reset, name="reset-request"
    ),
    path(
        "tickets/<int:pk>/reset/<str:decision>/", views_resets.decide_reset, name="reset-decide"
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/view/", views.attachment_inline, name="attachment-inline"),
]
