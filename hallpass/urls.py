from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views_auth, views_language

# The admin's "Change password" is the portal's: throttled, kept in the password
# history, audited and emailed like everyone's. Django's own view has none of that.
to_change_password = RedirectView.as_view(pattern_name="accounts:change-password")

urlpatterns = [
    # Before the admin's own: staff sign in and out through the portal's throttled,
    # audited views.
    path("admin/login/", views_auth.admin_login_view),
    path("admin/logout/", views_auth.logout_view),
    path("admin/password_change/", to_change_password),
    path("admin/password_change/done/", to_change_password),
    path("", include("portal.urls")),
    path("", include("sso.urls")),
    path("", include("sso.urls_apps")),
    path("account/", include("accounts.urls")),
    path("outbox/", include("outbox.urls")),
    path("support/", include("support.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/", views_language.set_language, name="set-language"),
    path("", include("common.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "common.views.server_error"
