from django.urls import path

from sso import views

app_name = "sso"
urlpatterns = [
    path("apps/<int:pk>/icon/<str:version>/", views.app_icon, name="app-icon"),
]
