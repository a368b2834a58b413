from django.urls import URLPattern, path

from accounts import views_auth, views_policy

urlpatterns: list[URLPattern] = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("help/", views_auth.help_view, name="help"),
    path("help/username/", views_auth.forgot_username_view, name="forgot-username"),
    path("help/password/", views_auth.forgot_password_view, name="forgot-password"),
    path(
        "help/password/questions/",
        views_auth.forgot_password_questions_view,
        name="forgot-password-questions",
    ),
    path("help/password/new/", views_auth.forgot_password_new_view, name="forgot-password-new"),
    path(
        "help/password/done/", views_auth.forgot_password_done_view, name="forgot-password-done"
    ),
    path("policy/", views_policy.policy_view, name="policy"),
    path("password/", views_auth.change_password_view, name="change-password"),
    path("questions/", views_auth.change_challenges_view, name="change-challenges"),
]
