from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portal.urls")),
    path("account/", include("accounts.urls")),
    path("outbox/", include("outbox.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("common.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "common.views.server_error"
