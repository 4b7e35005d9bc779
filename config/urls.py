from django.contrib import admin
from django.urls import include, path

from .api_errors import api_not_found, api_server_error
from .request_limits import bad_request
from .site import auth as ui_auth, site as ui_site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("accounts/", ui_auth.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the user's choice of 中文 or English  # web UI login at /accounts/login/ (CONTRACT §4)
    path("", ui_site.urls),  # web UI (config/site.py)
]

handler400 = bad_request
handler404 = api_not_found
handler500 = api_server_error
