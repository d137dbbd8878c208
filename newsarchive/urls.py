from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from articles.views import favicon, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("articles.api")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("articles.urls")),
    path("pledges/", include("pledges.urls")),
]
