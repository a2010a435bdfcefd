from django.urls import path

from ptdv.alerts import views

app_name = "alerts"
urlpatterns = [
    path("tong-hop/", views.digest, name="digest"),
]
