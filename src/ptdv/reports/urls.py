from django.urls import path

from ptdv.reports import views

app_name = "reports"
urlpatterns = [
    path("tong-quan/<int:org_id>/", views.dashboard_page, name="dashboard"),
    path("bieu/<int:org_id>/", views.table_page, name="table"),
    path("bieu/<int:org_id>/excel/", views.table_xlsx, name="table-xlsx"),
]
