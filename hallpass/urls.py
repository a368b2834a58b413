from django.contrib import admin
from django.urls import include, path

from accounts import views_auth, views_language

urlpatterns = [
    # Before the admin's own: staff sign in and out through the portal's throttled,
    # audited views.
    path("admin/login/", views_auth.admin_login_view),
    path("admin/logout/", views_auth.logout_view),
    path("", include("portal.urls")),
    path("account/", include("accounts.urls")),
    path("outbox/", include("outbox.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/", views_language.set_language, name="set-language"),
    path("", include("common.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "common.views.server_error"
