from django.urls import path

from ptdv.members import transfer_views as views

app_name = "transfers"
urlpatterns = [
    path("don-vi/<int:org_id>/", views.unit_list, name="unit-list"),
    path("dang-vien/<int:membership_id>/", views.start, name="start"),
    path("<int:transfer_id>/", views.detail, name="detail"),
    path("<int:transfer_id>/cap-giay-gioi-thieu/", views.issue_letter, name="issue-letter"),
    path("<int:transfer_id>/tiep-nhan/", views.accept, name="accept"),
    path("<int:transfer_id>/khong-xuat-trinh/", views.not_presented, name="not-presented"),
    path("<int:transfer_id>/tro-lai/", views.return_back, name="return"),
    path("<int:transfer_id>/huy/", views.cancel, name="cancel"),
]
