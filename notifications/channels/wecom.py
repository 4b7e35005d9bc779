"""WeCom (企业微信) app messages to one user, through apprise's wechat:// plugin.

WECOM_APP_URL is the app's base URL, wechat://CORPID:SECRET@AGENTID; the user's WeCom user ID is added as the
recipient (…/@USERID).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import Answer, Channel, Message
from .text import add_path, refuse, send_with_apprise


def userid_of(delivery) -> str:
    return (delivery.recipient.wecom_userid or "").strip() if delivery.recipient is not None else ""


class WeComChannel(Channel):
    name = "wecom"
    label = _("WeCom app message")
    interrupting = True

    def target(self, delivery) -> str:
        userid = userid_of(delivery)
        return f"wecom:{userid}" if userid else delivery.recipient_key

    def send(self, delivery, message: Message) -> Answer:
        base = settings.WECOM_APP_URL.strip()
        if not base:
            return refuse(_("WeCom app messages are not configured (WECOM_APP_URL)."))
        userid = userid_of(delivery)
        if not userid:
            return refuse(_("No WeCom user ID on record."))
        return send_with_apprise(add_path(base, f"@{userid}"), message)
