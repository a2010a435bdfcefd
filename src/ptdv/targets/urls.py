from django.urls import path

from ptdv.targets import views

app_name = "targets"
urlpatterns = [
    path("<int:org_id>/", views.unit, name="unit"),
    path("<int:org_id>/dat/", views.edit, name="edit"),
    path("<int:org_id>/xoa/", views.remove, name="remove"),
]
