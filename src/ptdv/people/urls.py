from django.urls import path

from ptdv.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("them/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/sua/", views.person_edit, name="edit"),
    path("<int:person_id>/chuyen-don-vi/", views.person_move, name="move"),
    path("<int:person_id>/lich-su/", views.person_history, name="history"),
    path("<int:person_id>/nhap-ngu/", views.person_conscription, name="conscription"),
    path(
        "nhap-ngu/<int:conscription_id>/xoa/",
        views.person_conscription_remove,
        name="conscription_remove",
    ),
]
