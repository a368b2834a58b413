from django.urls import URLPattern, path

from accounts import views_claim

urlpatterns: list[URLPattern] = [
    path("claim/", views_claim.identify, name="claim"),
    path("claim/policy/", views_claim.policy, name="claim-policy"),
    path("claim/password/", views_claim.password, name="claim-password"),
    path("claim/questions/", views_claim.challenges, name="claim-challenges"),
    path("claim/done/", views_claim.done, name="claim-done"),
]
