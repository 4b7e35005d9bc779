from django.contrib import admin
from django.urls import include, path

from .api_errors import api_not_found, api_server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
]

handler404 = api_not_found
handler500 = api_server_error
