"""Group robots (WeCom, DingTalk, Feishu / Lark, or any apprise URL): one message to the group's webhook.

WeCom, DingTalk and Feishu robots answer HTTP 200 with a JSON code also when they refuse a message (a keyword or
signature mismatch, a rate limit). apprise's plugins for them judge by the HTTP status and drop the body, so these
three are posted here, with requests, and judged by the code in the answer; the body is kept in the attempt log.
Their apprise-form URLs are read the way apprise reads them (wecombot://KEY, dingtalk://TOKEN,
dingtalk://SECRET@TOKEN, feishu://TOKEN, lark://TOKEN), and so are their webhook addresses themselves, on the
platform's host or on a proxy in front of it (政务外网): …/cgi-bin/webhook/send?key=KEY, …/robot/send?access_token=
TOKEN[&secret=SECRET], …/open-apis/bot/v2/hook/TOKEN. Any other URL goes through apprise.
"""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import Answer, Channel, Message
from .text import maybe_sent, plain_text, refuse, send_with_apprise

# The platforms' webhook endpoints (a test points them at a local server).
WECOM_WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={token}"
DINGTALK_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token={token}"
FEISHU_WEBHOOK = "https://open.feishu.cn/open-apis/bot/v2/hook/{token}"
LARK_WEBHOOK = "https://open.larksuite.com/open-apis/bot/v2/hook/{token}"

# Answer codes, from the platforms' robot documentation. A rate limit passes: retried later with back-off. A wrong
# key, token, signature, keyword or IP whitelist is the group's configuration: no retry cures it. Any other non-zero
# code is a failure retried with back-off (bounded by REMINDER_MAX_FAILURES).
RATE_LIMITED = {
    "wecom": {45009},  # api freq out of limit (20 messages a minute per robot)
    "dingtalk": {130101, 660026},  # send too fast / 消息发送过于频繁
    "feishu": {11232, 9499},  # frequency limited (9499 is also "Bad Request"; the text tells, see judge())
}
PERMANENT = {
    "wecom": {93000, 40001, 40008, 40058, 93004, 93008},  # invalid webhook key, secret, msgtype, param; robot off
    "dingtalk": {310000, 300001, 300005, 400101, 400102, 430101},  # keyword/sign/IP; token missing; robot off
    "feishu": {19001, 19002, 19021, 19022, 19024, 9499},  # bad token; sign; IP; keyword; bad request
}


@dataclass(frozen=True)
class Webhook:
    platform: str  # wecom, dingtalk, feishu
    url: str
    secret: str = ""


def webhook_of(url: str) -> Webhook | None:
    """The robot webhook an apprise-form or webhook URL names, or None for a URL apprise sends (json://, …)."""
    parts = urlsplit(url.strip())
    scheme, query = parts.scheme.lower(), parse_qs(parts.query)
    if scheme in ("wecombot", "dingtalk", "feishu", "lark"):
        token = unquote(parts.netloc.rpartition("@")[2])
        token = (query.get("token") or query.get("key") or [token])[0]
        secret = unquote(parts.username or "") or (query.get("secret") or [""])[0]
        if not token:
            return None
        template = {"wecombot": WECOM_WEBHOOK, "dingtalk": DINGTALK_WEBHOOK, "feishu": FEISHU_WEBHOOK,
                    "lark": LARK_WEBHOOK}[scheme]
        platform = {"wecombot": "wecom", "lark": "feishu"}.get(scheme, scheme)
        return Webhook(platform, template.format(token=quote(token, safe="")), secret)
    if scheme not in ("http", "https"):
        return None
    path = parts.path.rstrip("/")
    if path.endswith("/cgi-bin/webhook/send") and query.get("key"):
        return Webhook("wecom", url.strip())
    if path.endswith("/robot/send") and query.get("access_token"):
        secret = (query.get("secret") or [""])[0]
        kept = "&".join(f"{name}={quote(values[0], safe='')}" for name, values in query.items() if name != "secret")
        return Webhook("dingtalk", parts._replace(query=kept).geturl(), secret)
    if "/open-apis/bot/v2/hook/" in path:
        return Webhook("feishu", url.strip(), (query.get("secret") or [""])[0])
    return None


def dingtalk_signed(url: str, secret: str, now_ms: int) -> str:
    """DingTalk's signing (自定义机器人安全设置 · 加签): timestamp in ms and sign = url-encoded base64 of
    HMAC-SHA256 over "timestamp\\nsecret" with the secret as key."""
    digest = hmac.new(secret.encode("utf-8"), f"{now_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    sign = quote(base64.b64encode(digest).decode("ascii"), safe="")
    return f"{url}&timestamp={now_ms}&sign={sign}"


def feishu_sign(secret: str, now_s: int) -> str:
    """Feishu's signing (签名校验): base64 of HMAC-SHA256 over an empty message, keyed "timestamp\\nsecret"."""
    digest = hmac.new(f"{now_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def payload_of(hook: Webhook, message: Message, now_s: int) -> dict:
    # Plain text: group robots show markdown marks literally or not at all.
    text = f"{message.title}\n{plain_text(message)}"
    if hook.platform == "feishu":
        payload = {"msg_type": "text", "content": {"text": text}}
        if hook.secret:
            payload.update(timestamp=str(now_s), sign=feishu_sign(hook.secret, now_s))
        return payload
    return {"msgtype": "text", "text": {"content": text}}


def judge(platform: str, status: int, body: str) -> Answer:
    """The platform's verdict on one post: HTTP status and the JSON code (errcode for WeCom and DingTalk, code or
    StatusCode for Feishu); the body is kept as the answer."""
    answer = f"{platform}: HTTP {status} {body[:3000]}".strip()
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Answer(ok=False, answer=answer, permanent=400 <= status < 500 and status != 429)
    code = data.get("errcode", data.get("code", data.get("StatusCode")))
    if status == 200 and code in (0, "0"):
        return Answer(ok=True, answer=answer)
    try:
        code = int(code)
    except (TypeError, ValueError):
        return Answer(ok=False, answer=answer, permanent=400 <= status < 500 and status != 429)
    words = str(data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or "").lower()
    if code in RATE_LIMITED[platform] and (code != 9499 or "frequen" in words or "too many" in words):
        return Answer(ok=False, answer=answer)  # a rate limit: the next try, after back-off, goes through
    return Answer(ok=False, answer=answer, permanent=code in PERMANENT[platform])


def post_to_webhook(hook: Webhook, message: Message) -> Answer:
    """One POST to the robot's webhook, with CHANNEL_TIMEOUT_SECONDS for connecting and for the answer."""
    import requests

    now_ms = int(time.time() * 1000)
    url = dingtalk_signed(hook.url, hook.secret, now_ms) if hook.platform == "dingtalk" and hook.secret else hook.url
    seconds = settings.CHANNEL_TIMEOUT_SECONDS
    try:
        response = requests.post(url, json=payload_of(hook, message, now_ms // 1000), timeout=(seconds, seconds))
    except requests.RequestException as error:
        text = f"{hook.platform}: {type(error).__name__}: {error}"
        # A connect failure sent nothing; a read time-out or a dropped answer may have posted the message.
        if isinstance(error, requests.ConnectTimeout):
            uncertain = False
        elif isinstance(error, requests.ReadTimeout):
            uncertain = True
        else:
            uncertain = maybe_sent(text)
        return Answer(ok=False, answer=text, uncertain=uncertain)
    return judge(hook.platform, response.status_code, response.text)


class RobotChannel(Channel):
    name = "robot"
    label = _("Group robot")

    def target(self, delivery) -> str:
        return f"robot:{delivery.robot_id}" if delivery.robot_id else delivery.recipient_key

    def per_minute(self, delivery) -> int | None:
        # The platform's limit, e.g. 20 a minute for a WeCom robot: the sender waits rather than being cut off.
        return delivery.robot.per_minute if delivery.robot is not None else None

    def send(self, delivery, message: Message) -> Answer:
        robot = delivery.robot
        if robot is None:
            return refuse(_("No group robot for this delivery."))
        if not robot.active:
            return refuse(_("The group robot {name} is switched off."), name=robot.name)
        hook = webhook_of(robot.url)
        if hook is not None:
            return post_to_webhook(hook, message)
        return send_with_apprise(robot.url, message)
