from accounts import urls_auth, urls_claim

app_name = "accounts"
urlpatterns = urls_claim.urlpatterns + urls_auth.urlpatterns
