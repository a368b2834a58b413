from django.urls import path

from dashboard import views, views_account, views_audit, views_students

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("schools/<int:pk>/people/", views.school_people, name="school-people"),
    path("classes/<int:pk>/people/", views.class_people, name="class-people"),
    path("people/<int:person_pk>/", views_account.account_page, name="account"),
    path(
        "people/<int:person_pk>/<slug:action>/",
        views_account.account_action,
        name="account-action",
    ),
    path("students/", views_students.my_students, name="students"),
    path("students/letters/", views_students.claim_letters, name="letters"),
    path("audit/", views_audit.audit_log, name="audit"),
]
