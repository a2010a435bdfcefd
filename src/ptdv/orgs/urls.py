from django.urls import path

from ptdv.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("chon/", views.picker, name="picker"),
    path("them/", views.create_root, name="create-root"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/truc-thuoc/", views.children, name="children"),
    path("<int:org_id>/them/", views.create, name="create"),
    path("<int:org_id>/sua/", views.edit, name="edit"),
    path("<int:org_id>/chuyen/", views.move, name="move"),
    path("<int:org_id>/giai-the/", views.dissolve, name="dissolve"),
    path("<int:org_id>/lich-su/", views.history, name="history"),
]
