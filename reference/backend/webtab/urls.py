from django.urls import path

from . import views

urlpatterns = [
    path("", views.site_list, name="site-list"),
    path("sites/<int:site_id>/content-types/", views.content_types_tab, name="content-types-tab"),
]
