from django.urls import path

from common import views

app_name = "common"
urlpatterns = [
    path("branding.css", views.branding_stylesheet, name="branding-stylesheet"),
    path("favicon.ico", views.favicon, name="favicon"),
]
