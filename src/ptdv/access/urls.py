from django.contrib.auth import views as auth_views
from django.urls import path

from ptdv.access import views
from ptdv.access.forms import LoginForm

app_name = "access"
urlpatterns = [
    path(
        "dang-nhap/",
        views.login_not_required(
            auth_views.LoginView.as_view(
                template_name="access/login.html",
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("dang-xuat/", views.logout, name="logout"),
    path("doi-mat-khau/", views.password_change, name="password-change"),
    path("", views.account, name="account"),
    path("hien-thi/", views.preferences, name="preferences"),
    path("ma-truy-cap/", views.tokens, name="tokens"),
    path("ma-truy-cap/<int:token_id>/thu-hoi/", views.revoke_token, name="token-revoke"),
    path("nhat-ky-truy-cap/", views.access_log, name="log"),
]
