from django.urls import path

from ptdv.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.board, name="board"),
    path("viec-can-lam/", views.todo, name="todo"),
    path("ho-so/lap/", views.case_open, name="case-open"),
    path("ho-so/<int:case_id>/", views.case_detail, name="case-detail"),
    path("ho-so/<int:case_id>/buoc/", views.case_step, name="case-step"),
    path("ho-so/<int:case_id>/lich-su/", views.case_history, name="case-history"),
    path("nguon/", views.pool, name="pool"),
    path("nguon/them/", views.pool_add, name="pool-add"),
    path("nguon/ra-soat/", views.pool_review, name="pool-review"),
]
