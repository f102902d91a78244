from django.contrib import admin
from django.urls import include, path

from fangkong.accounts import views as accounts_views
from fangkong.api import api
from fangkong.jurisdictions import views as jurisdiction_views
from fangkong.people import views as people_views
from fangkong.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("j/<str:code>/", jurisdiction_views.browse, name="jurisdiction"),
    path("j/<str:code>/tree/", jurisdiction_views.tree_children, name="jurisdiction-tree"),
    path("j/<str:code>/map.json", jurisdiction_views.map_data, name="jurisdiction-map"),
    path("j/<str:code>/persons.csv", people_views.export_csv, name="persons-export"),
    path("persons/", people_views.search, name="person-search"),
    path("persons/<int:person_id>/", people_views.detail, name="person"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
