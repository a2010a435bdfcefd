from django.urls import path

from ptdv.members import activity_views, figures_views, views, watch_views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("them/", views.member_enter, name="enter"),
    path("<int:membership_id>/", views.member_detail, name="detail"),
    path("<int:membership_id>/ghi-su-kien/", views.event_record, name="event-record"),
    path("<int:membership_id>/the-dang-vien/", views.card_edit, name="card"),
    path("<int:membership_id>/lam-an-xa/", views.away_flag, name="away"),
    path("<int:membership_id>/om-dau-nang/", views.ill_flag, name="ill"),
    path("su-kien/<int:event_id>/sua/", views.event_correct, name="event-correct"),
    path("so-lieu/<int:org_id>/", figures_views.unit_figures, name="figures"),
    path("theo-doi/<int:org_id>/", watch_views.unit_watch, name="watch"),
    path("huy-hieu/<int:org_id>/", watch_views.unit_badges, name="badges"),
    path("sinh-hoat/<int:org_id>/", activity_views.cell_activity, name="activity"),
]
