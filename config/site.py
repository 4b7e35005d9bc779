"""The web UI's viewflow Site (CONTRACT §4): served at `/`, login at `/accounts/login/`. Where the apps' pages
are put together into one site: the only module that imports the pages of more than one app.

Applications: 我的待办 (every user's inbox, the landing page, with the messages, preferences and deadline pages
of notifications.pages and the date correction of cases.pages), 重大行政决策 (review.pages: decisions, legality
review, joint meetings), 行政执法 (cases.pages: enforcement cases, officers) and 法治网络 (network.pages: legal
advisers, 法律明白人, activities). A new process adds its
Application to SITE_APPLICATIONS.
"""

from django.conf import settings
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site
from viewflow.utils import Icon

from cases.pages import CasesApplication, date_correction_path
from mediation.pages import MediationApplication
from network.pages import NetworkApplication
from notifications.pages import (
    deadlines as deadline_pages,
    messages as message_pages,
    preferences as preference_pages,
)
from petitions.pages import PetitionsApplication
from reports.pages import ReportsApplication
from review.pages import ReviewApplication
from web.home import HomeView

# Labels in viewflow's own templates (menu, log-out) that its zh_Hans catalogue leaves untranslated; marked here
# so that ours, which comes first in LOCALE_PATHS, translates them.
VIEWFLOW_LABELS = (_("Applications"), _("Log out"), _("Profile"), _("Login"))

SITE_TITLE = format_lazy(_("lawflow · {town}"), town=settings.TOWN_NAME)


class LawflowSite(Site):
    # `/` is the inbox: the judicial office lands on its pending legality reviews.
    index_path = path("", RedirectView.as_view(pattern_name="inbox:index"), name="index")


class LawflowAuthViewset(AuthViewset):
    """django.contrib.auth views with viewflow's Material login page (fields `username`, `password`).

    No password reset by e-mail: e-mail is an optional channel (DESIGN §6), an administrator resets passwords.
    """

    pass_reset_path = None
    pass_reset_done_path = None
    pass_reset_confirm_path = None
    pass_reset_complete_path = None

    def get_login_view_kwargs(self, **kwargs):
        return super().get_login_view_kwargs(extra_context={"site_title": SITE_TITLE}, **kwargs)


class InboxApplication(Application):
    """我的待办: the landing page of every user, and the pages about the user's own messages and deadlines."""

    app_name = "inbox"
    title = _("My inbox")
    icon = Icon("inbox")
    menu_template_name = None  # a single page: the site menu lists it

    index_path = path("", HomeView.as_view(), name="index")
    messages_path = path("messages/", include(message_pages.urlpatterns))  # 我的消息
    preferences_path = path("preferences/", preference_pages.PreferencesView.as_view(), name="preferences")
    # 中止, 延期 (notifications.pages.deadlines) and 更正业务日期 (cases.pages)
    deadlines_path = path("deadlines/", include(deadline_pages.urlpatterns + [date_correction_path]))


# Menu order.
SITE_APPLICATIONS = [InboxApplication, ReviewApplication, CasesApplication, PetitionsApplication,
                     MediationApplication, NetworkApplication, ReportsApplication]

site = LawflowSite(title=SITE_TITLE, viewsets=[app() for app in SITE_APPLICATIONS])
auth = LawflowAuthViewset(with_profile_view=False)
