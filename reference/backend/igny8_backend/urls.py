from django.contrib.auth import views as auth_views
from django.urls import include, path
from throttling.login import ThrottledLoginView

from .health import health

urlpatterns = [
    path("api/v1/health/", health, name="health"),
    path("api/v1/integration/", include("integration.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("webtab.urls")),
]

handler404 = "igny8_backend.errors.api_not_found"
handler500 = "igny8_backend.errors.api_server_error"
