"""The OpenID Connect provider's addresses, in the "oauth2_provider" namespace that
Django OAuth Toolkit reverses. Included at the site's root: the discovery document
is at /.well-known/openid-configuration, so the issuer is the site itself. Only
the endpoints Hallpass uses are served (not the toolkit's application
management pages: apps are registered in the admin)."""

from django.urls import path
from oauth2_provider import views as dot_views

from sso.oidc import views

app_name = "oauth2_provider"
urlpatterns = [
    path(
        ".well-known/openid-configuration",
        dot_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("oidc/jwks/", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("oidc/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("oidc/token/", views.TokenView.as_view(), name="token"),
    path("oidc/revoke/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("oidc/userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path("oidc/logout/", views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]
