from django.urls import path

from common import views

app_name = "common"
urlpatterns = [path("language/", views.set_language, name="set-language")]
