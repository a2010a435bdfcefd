from django.urls import path

from ptdv.reports import views

app_name = "reports"
urlpatterns = [
    path("bieu/<int:org_id>/", views.table_page, name="table"),
    path("bieu/<int:org_id>/excel/", views.table_xlsx, name="table-xlsx"),
]
