from django.contrib import admin
from django.urls import include, path

from cases.pages import FirstOffenceListPage, PublicPenaltiesPage
from documents import attachment_pages, pages as document_pages

from .api_errors import api_not_found, api_server_error
from .request_limits import bad_request
from .site import auth as ui_auth, site as ui_site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("accounts/", ui_auth.urls),
    # Uploading attachments from the case, decision and meeting pages (documents.attachment_pages)
    path("attachments/", include((attachment_pages.urlpatterns, "attachments"))),
    # 首违不罚清单 (处罚法 Art 33 ¶1), published without login as provinces publish theirs
    path("public/first-offence-list/", FirstOffenceListPage.as_view(), name="first_offence_list"),
    # 行政处罚决定公示 (处罚法 Art 48, CONTRACT §9): the redacted published decisions and the withdrawals, without login
    path("public/penalties/", PublicPenaltiesPage.as_view(), name="public_penalties"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the user's choice of 中文 or English  # web UI login at /accounts/login/ (CONTRACT §4)
    # 文书: print pages and downloads (documents.pages), outside the viewflow site: a print page has no menus
    path("documents/", include((document_pages.urlpatterns, "documents"))),
    path("", ui_site.urls),  # web UI (config/site.py)
]

handler400 = bad_request
handler404 = api_not_found
handler500 = api_server_error
