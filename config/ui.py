"""The web UI's viewflow Site (CONTRACT §4): served at `/`, login at `/accounts/login/`.

Applications: 我的待办 (every user's inbox, the landing page), 重大行政决策 (decisions, legality review,
joint meetings) and 行政执法 (enforcement cases, officers). Other processes add their Application to SITE_APPLICATIONS.
"""

from django.conf import settings
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site

from cases.ui import CasesApplication
from review.ui import InboxApplication, ReviewApplication

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


# Menu order; the enforcement-case UI adds its Application class here.
SITE_APPLICATIONS = [InboxApplication, ReviewApplication, CasesApplication]

site = LawflowSite(title=SITE_TITLE, viewsets=[app() for app in SITE_APPLICATIONS])
auth = LawflowAuthViewset(with_profile_view=False)
