"""Reminder channels: what the recipient (or the provider) gets, and the answer the operator sees in the log.

The SMS providers' real SDKs and apprise talk to a small HTTP server on 127.0.0.1 that answers as the provider
would; nothing here reaches the internet.
"""

import datetime
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notifications.channels import EMAIL, IN_APP, PERSONAL_CHANNELS, ROBOT, SMS, WECOM, Message, get_channel
from notifications.models import Deadline, DeadlineRule, Delivery, GroupRobot, Notification, Reminder

from .conftest import make_user

MESSAGE = Message(
    title="[提醒] 石桥镇政〔2025〕3号「农村人居环境整治方案」的合法性审查期限将于2025年6月9日届满",
    body="对象：石桥镇政〔2025〕3号\n事项：合法性审查期限\n依据：重大行政决策程序暂行条例第26条",
    link="http://127.0.0.1:8000/review/decisions/3/",
    sms_params={"object": "石桥镇政〔2025〕3号", "item": "合法性审查期限", "due": "2025年6月9日"},
    sms_text="石桥镇政〔2025〕3号：合法性审查期限将于2025年6月9日届满，请及时办理。",
)


def delivery_for(channel, user=None, robot=None) -> Delivery:
    rule = DeadlineRule.objects.get(kind="decision.review")
    due = timezone.localdate() + datetime.timedelta(days=7)
    deadline = Deadline.objects.create(
        object_type="review.decision", object_id=3, rule=rule, kind=rule.kind, anchor_date=timezone.localdate(),
        due_date=due, due_at=timezone.now() + datetime.timedelta(days=7), basis=rule.basis)
    reminder = Reminder.objects.create(deadline=deadline, stage=Reminder.Stage.BEFORE, offset=1, due_date=due,
                                       send_at=timezone.now())
    key = f"user:{user.pk}" if user else f"robot:{robot.pk}"
    return Delivery.objects.create(reminder=reminder, recipient=user, robot=robot, recipient_key=key,
                                   channel=channel, not_before=timezone.now())


class FakeProvider:
    """An HTTP server on 127.0.0.1 that records each request and answers with `reply` (status, JSON)."""

    def __init__(self, reply, content_type):
        self.reply = reply
        self.content_type = content_type
        self.requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.do_POST()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                provider.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
                status, payload = provider.reply
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", provider.content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def only_request(self) -> dict:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


@pytest.fixture
def provider():
    servers = []

    def start(status, payload, content_type="application/json"):
        # Tencent answers application/json (its SDK looks for errors only then), Aliyun adds ;charset=utf-8.
        server = FakeProvider((status, payload), content_type)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def closed_port() -> int:
    """A local port nobody listens on: a connection there is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def officer(db):
    return make_user("judicial_office", phone="13800138000", email="wang@shiqiao.gov.cn", wecom_userid="WangFang")


# --- registry ---------------------------------------------------------------------------------------------------


def test_registry_names_every_channel_and_refuses_unknown_ones():
    assert PERSONAL_CHANNELS == ("email", "sms", "wecom")
    for name in (IN_APP, EMAIL, SMS, WECOM, ROBOT):
        assert get_channel(name).name == name
    assert get_channel(SMS).interrupting and get_channel(WECOM).interrupting
    assert not get_channel(IN_APP).interrupting and not get_channel(EMAIL).interrupting
    with pytest.raises(KeyError):
        get_channel("fax")


# --- in-app -----------------------------------------------------------------------------------------------------


def test_in_app_creates_exactly_one_notification_even_when_sent_twice(officer):
    delivery = delivery_for(IN_APP, user=officer)
    channel = get_channel(IN_APP)
    assert not channel.already_delivered(delivery)

    first = channel.send(delivery, MESSAGE)
    second = channel.send(delivery, MESSAGE)

    assert first.ok and second.ok and "already there" in second.answer
    note = Notification.objects.get(recipient=officer)
    assert (note.title, note.body, note.link) == (MESSAGE.title, MESSAGE.body, MESSAGE.link)
    assert note.delivery == delivery
    assert channel.already_delivered(delivery)


# --- e-mail -----------------------------------------------------------------------------------------------------


def test_email_carries_title_body_link_and_a_message_id_from_the_delivery_key(officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "lawflow@shiqiao.gov.cn"
    delivery = delivery_for(EMAIL, user=officer)

    answer = get_channel(EMAIL).send(delivery, MESSAGE)

    assert answer.ok and answer.answer.startswith("1 message accepted for wang@shiqiao.gov.cn")
    [sent] = mail.outbox
    assert sent.to == ["wang@shiqiao.gov.cn"] and sent.from_email == "lawflow@shiqiao.gov.cn"
    assert sent.subject == MESSAGE.title
    assert MESSAGE.body in sent.body and MESSAGE.link in sent.body
    assert sent.message()["Message-ID"] == f"<{delivery.key}@lawflow>"
    assert get_channel(EMAIL).target(delivery) == "wang@shiqiao.gov.cn"


def test_email_without_an_address_fails_for_good(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery = delivery_for(EMAIL, user=make_user("drafter", email=""))

    answer = get_channel(EMAIL).send(delivery, MESSAGE)

    assert not answer.ok and answer.permanent and "e-mail address" in answer.answer
    assert mail.outbox == []


def test_email_to_an_unreachable_server_is_a_failure_to_retry(officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2

    answer = get_channel(EMAIL).send(delivery_for(EMAIL, user=officer), MESSAGE)

    assert not answer.ok and not answer.permanent
    assert "ConnectionRefusedError" in answer.answer
    assert not answer.uncertain  # refused: it certainly did not leave, so it is simply sent again later


# --- SMS: console and file ----------------------------------------------------------------------------------------


def test_sms_console_prints_one_line_with_phone_and_text(officer, settings, capsys):
    settings.SMS_BACKEND = "console"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert answer.ok
    assert capsys.readouterr().out == f"[SMS to 13800138000] {MESSAGE.sms_text}\n"


def test_sms_file_appends_one_json_line_and_knows_it_was_delivered(officer, settings, tmp_path):
    path = tmp_path / "sms" / "outbox.jsonl"
    settings.SMS_BACKEND = f"file:{path}"
    settings.SMS_SIGN_NAME, settings.SMS_TEMPLATE_CODE = "石桥镇人民政府", "SMS_465000001"
    delivery = delivery_for(SMS, user=officer)
    channel = get_channel(SMS)
    assert not channel.already_delivered(delivery)

    answer = channel.send(delivery, MESSAGE)

    assert answer.ok and str(path) in answer.answer
    [line] = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
    assert line["key"] == delivery.key and line["phone"] == "13800138000"
    assert (line["sign"], line["template"]) == ("石桥镇人民政府", "SMS_465000001")
    assert line["params"] == MESSAGE.sms_params and line["text"] == MESSAGE.sms_text
    assert datetime.datetime.fromisoformat(line["at"])
    assert channel.already_delivered(delivery)
    assert not channel.already_delivered(delivery_for(SMS, user=officer))  # another delivery's key


def test_sms_without_a_phone_number_fails_for_good(db, settings, tmp_path):
    settings.SMS_BACKEND = f"file:{tmp_path / 'sms.jsonl'}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=make_user("drafter", phone="")), MESSAGE)

    assert not answer.ok and answer.permanent and "phone number" in answer.answer
    assert not (tmp_path / "sms.jsonl").exists()


def test_sms_target_and_rate_limit_are_per_phone(officer, settings):
    settings.SMS_PER_MINUTE = None
    delivery = delivery_for(SMS, user=officer)
    assert get_channel(SMS).target(delivery) == "sms:13800138000"
    assert get_channel(SMS).per_minute(delivery) is None
    settings.SMS_PER_MINUTE = 5
    assert get_channel(SMS).per_minute(delivery) == 5


def test_an_unknown_sms_backend_is_a_configuration_error(officer, settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)


# --- SMS: Aliyun and Tencent through their real SDKs ----------------------------------------------------------------


ALIYUN_JSON = "application/json;charset=utf-8"


@pytest.fixture
def aliyun(settings):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_SIGN_NAME, settings.SMS_TEMPLATE_CODE = "石桥镇人民政府", "SMS_465000001"
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "LTAI-test-id", "test-secret"
    settings.SMS_TEMPLATE_PARAMS = "object,item,due"
    settings.SMS_TIMEOUT_SECONDS = 5
    return settings


def aliyun_query(request) -> dict:
    """The SendSms parameters, from the query string (where the SDK puts them) and any form body."""
    fields = parse_qs(urlsplit(request["path"]).query)
    fields.update(parse_qs(request["body"]))
    return {name: values[0] for name, values in fields.items()}


def test_aliyun_sends_sign_template_phone_params_and_key(officer, aliyun, provider):
    server = provider(200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
                            "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}, ALIYUN_JSON)
    aliyun.SMS_ENDPOINT = f"http://{server.address}"
    delivery = delivery_for(SMS, user=officer)

    answer = get_channel(SMS).send(delivery, MESSAGE)

    assert answer.ok, answer.answer
    assert "Code=OK" in answer.answer and "BizId=900619746936498440^0" in answer.answer
    assert "RequestId=F655A8D5-B967-440B-8683-DAD6FF8DE990" in answer.answer
    request = server.only_request()
    assert request["headers"]["x-acs-action"] == "SendSms"
    assert request["headers"]["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test-id")
    sent = aliyun_query(request)
    assert sent["PhoneNumbers"] == "13800138000"
    assert (sent["SignName"], sent["TemplateCode"]) == ("石桥镇人民政府", "SMS_465000001")
    assert json.loads(sent["TemplateParam"]) == MESSAGE.sms_params
    assert sent["OutId"] == delivery.key


def test_aliyun_business_error_is_a_failure_with_the_providers_words(officer, aliyun, provider):
    server = provider(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5",
                            "RequestId": "0A974B78-02BF-4C79-ADF3-90CFBA1B55B1"}, ALIYUN_JSON)
    aliyun.SMS_ENDPOINT = f"http://{server.address}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok and not answer.permanent  # a rate limit passes: retried later
    assert "isv.BUSINESS_LIMIT_CONTROL" in answer.answer and "触发小时级流控" in answer.answer


def test_aliyun_wrong_number_is_permanent(officer, aliyun, provider):
    server = provider(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "R1"},
                      ALIYUN_JSON)
    aliyun.SMS_ENDPOINT = f"http://{server.address}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok and answer.permanent and "isv.MOBILE_NUMBER_ILLEGAL" in answer.answer


def test_aliyun_http_error_is_an_answer_not_an_exception(officer, aliyun, provider):
    server = provider(400, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found.",
                            "RequestId": "R-403"}, ALIYUN_JSON)
    aliyun.SMS_ENDPOINT = f"http://{server.address}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok
    assert "InvalidAccessKeyId.NotFound" in answer.answer and "R-403" in answer.answer


def test_aliyun_unreachable_is_a_failure_to_retry(officer, aliyun):
    aliyun.SMS_ENDPOINT = f"http://127.0.0.1:{closed_port()}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok and not answer.permanent and answer.answer.startswith("aliyun:")
    assert not answer.uncertain


def test_aliyun_without_sign_or_keys_names_what_is_missing(officer, aliyun):
    aliyun.SMS_SIGN_NAME, aliyun.SMS_ACCESS_KEY_SECRET = "", ""

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok and answer.permanent
    assert "SMS_SIGN_NAME" in answer.answer and "SMS_ACCESS_KEY_SECRET" in answer.answer
    assert "SMS_TEMPLATE_CODE" not in answer.answer


def test_aliyun_template_variables_can_be_renamed_and_unknown_ones_are_refused(officer, aliyun, provider):
    server = provider(200, {"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "R2"}, ALIYUN_JSON)
    aliyun.SMS_ENDPOINT = f"http://{server.address}"
    aliyun.SMS_TEMPLATE_PARAMS = "name=object, date=due"

    assert get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE).ok
    assert json.loads(aliyun_query(server.only_request())["TemplateParam"]) == {
        "name": "石桥镇政〔2025〕3号", "date": "2025年6月9日"}

    aliyun.SMS_TEMPLATE_PARAMS = "code"
    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)
    assert not answer.ok and answer.permanent and "code" in answer.answer
    assert len(server.requests) == 1  # nothing went out for the refused one


@pytest.fixture
def tencent(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_SIGN_NAME, settings.SMS_TEMPLATE_CODE, settings.SMS_SDK_APP_ID = "石桥镇人民政府", "1234567", "1400006666"
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "AKID-test", "test-key"
    settings.SMS_TEMPLATE_PARAMS = "object,item,due"
    settings.SMS_TIMEOUT_SECONDS = 5
    return settings


def tencent_reply(code, message):
    return {"Response": {"SendStatusSet": [{"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber":
                                            "+8613800138000", "Fee": 1, "SessionContext": "", "Code": code,
                                            "Message": message, "IsoCode": "CN"}],
                         "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}


def test_tencent_sends_sign_template_phone_params_and_key(officer, tencent, provider):
    server = provider(200, tencent_reply("Ok", "send success"))
    tencent.SMS_ENDPOINT = f"http://{server.address}"
    delivery = delivery_for(SMS, user=officer)

    answer = get_channel(SMS).send(delivery, MESSAGE)

    assert answer.ok, answer.answer
    assert "Code=Ok" in answer.answer and "SerialNo=5000:1045710669157053657849499619" in answer.answer
    assert "RequestId=a0aabda6-cf91-4f3e-a81f-9198114a2279" in answer.answer
    request = server.only_request()
    assert request["headers"]["X-TC-Action"] == "SendSms"
    assert "Credential=AKID-test/" in request["headers"]["Authorization"]
    sent = json.loads(request["body"])
    assert sent["PhoneNumberSet"] == ["+8613800138000"]
    assert (sent["SmsSdkAppId"], sent["SignName"], sent["TemplateId"]) == ("1400006666", "石桥镇人民政府", "1234567")
    assert sent["TemplateParamSet"] == ["石桥镇政〔2025〕3号", "合法性审查期限", "2025年6月9日"]
    assert sent["SessionContext"] == delivery.key


def test_tencent_status_error_is_a_failure_with_the_providers_words(officer, tencent, provider):
    server = provider(200, tencent_reply("LimitExceeded.PhoneNumberDailyLimit",
                                         "the number of sms messages sent from a single mobile number every day "
                                         "exceeds the upper limit"))
    tencent.SMS_ENDPOINT = f"http://{server.address}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok and not answer.permanent
    assert "LimitExceeded.PhoneNumberDailyLimit" in answer.answer and "SerialNo=" in answer.answer


def test_tencent_api_error_is_an_answer_not_an_exception(officer, tencent, provider):
    server = provider(200, {"Response": {"Error": {"Code": "AuthFailure.SecretIdNotFound",
                                                   "Message": "The SecretId is not found"},
                                         "RequestId": "b5ee1d37-4c8f-4b63-93a6-0b8b2d7d38a3"}})
    tencent.SMS_ENDPOINT = f"http://{server.address}"

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok
    assert "AuthFailure.SecretIdNotFound" in answer.answer and "b5ee1d37" in answer.answer


def test_tencent_without_app_id_names_what_is_missing(officer, tencent):
    tencent.SMS_SDK_APP_ID = ""

    answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

    assert not answer.ok and answer.permanent and "SMS_SDK_APP_ID" in answer.answer


# --- group robots and WeCom app messages (apprise) ------------------------------------------------------------------


def test_robot_posts_title_and_body_to_its_webhook(db, provider):
    server = provider(200, {"ok": True})
    robot = GroupRobot.objects.create(name="司法所工作群", kind=GroupRobot.Kind.OTHER, url=f"json://{server.address}/",
                                      roles=["judicial_office"], per_minute=20)
    delivery = delivery_for(ROBOT, robot=robot)
    channel = get_channel(ROBOT)

    answer = channel.send(delivery, MESSAGE)

    assert answer.ok, answer.answer
    posted = json.loads(server.only_request()["body"])
    assert posted["title"] == MESSAGE.title
    assert MESSAGE.body in posted["message"] and MESSAGE.link in posted["message"]
    assert channel.target(delivery) == f"robot:{robot.pk}" and channel.per_minute(delivery) == 20


def test_robot_that_cannot_be_reached_is_a_failure_to_retry_with_apprises_reason(db):
    robot = GroupRobot.objects.create(name="执法大队群", kind=GroupRobot.Kind.OTHER,
                                      url=f"json://127.0.0.1:{closed_port()}/", per_minute=3)
    delivery = delivery_for(ROBOT, robot=robot)

    answer = get_channel(ROBOT).send(delivery, MESSAGE)

    assert not answer.ok and not answer.permanent
    assert "not sent" in answer.answer and "127.0.0.1" in answer.answer  # apprise's own log line
    assert get_channel(ROBOT).per_minute(delivery) == 3


def test_robot_webhook_answering_an_error_is_a_failure(db, provider):
    server = provider(500, {"errcode": 1, "errmsg": "internal"})
    robot = GroupRobot.objects.create(name="党政办群", kind=GroupRobot.Kind.OTHER, url=f"json://{server.address}/")

    answer = get_channel(ROBOT).send(delivery_for(ROBOT, robot=robot), MESSAGE)

    assert not answer.ok and "500" in answer.answer


def test_wecom_robot_gets_plain_text_with_title_body_and_link(db, provider, monkeypatch):
    from notifications.channels import robot as robots

    server = provider(200, {"errcode": 0, "errmsg": "ok"})
    # WeCom's webhook host is replaced by the local server: nothing leaves this machine.
    monkeypatch.setattr(robots, "WECOM_WEBHOOK", f"http://{server.address}/cgi-bin/webhook/send?key={{token}}")
    key = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
    robot = GroupRobot.objects.create(name="镇政府工作群", kind=GroupRobot.Kind.WECOM, url=f"wecombot://{key}")

    answer = get_channel(ROBOT).send(delivery_for(ROBOT, robot=robot), MESSAGE)

    assert answer.ok, answer.answer
    request = server.only_request()
    assert request["path"] == f"/cgi-bin/webhook/send?key={key}"
    posted = json.loads(request["body"])
    assert posted["msgtype"] == "text"  # not markdown
    content = posted["text"]["content"]
    assert content.startswith(MESSAGE.title) and MESSAGE.body in content and MESSAGE.link in content


def test_robot_with_a_malformed_url_fails_for_good(db):
    robot = GroupRobot.objects.create(name="坏地址", kind=GroupRobot.Kind.OTHER, url="nosuchscheme://x")

    answer = get_channel(ROBOT).send(delivery_for(ROBOT, robot=robot), MESSAGE)

    assert not answer.ok and answer.permanent and "nosuchscheme" in answer.answer


def test_switched_off_robot_sends_nothing(db, provider):
    server = provider(200, {"ok": True})
    robot = GroupRobot.objects.create(name="旧群", kind=GroupRobot.Kind.OTHER, url=f"json://{server.address}/",
                                      active=False)

    answer = get_channel(ROBOT).send(delivery_for(ROBOT, robot=robot), MESSAGE)

    assert not answer.ok and answer.permanent and server.requests == []


def test_wecom_app_message_not_configured_fails_for_good(officer, settings):
    settings.WECOM_APP_URL = ""

    answer = get_channel(WECOM).send(delivery_for(WECOM, user=officer), MESSAGE)

    assert not answer.ok and answer.permanent and "WECOM_APP_URL" in answer.answer


def test_wecom_app_message_to_a_user_without_wecom_id_fails_for_good(db, settings):
    settings.WECOM_APP_URL = "wechat://ww1234567890abcdef:app-secret@1000002"
    user = make_user("drafter", wecom_userid="")

    answer = get_channel(WECOM).send(delivery_for(WECOM, user=user), MESSAGE)

    assert not answer.ok and answer.permanent and "WeCom user ID" in answer.answer


def test_wecom_app_message_goes_to_the_users_wecom_id(officer, settings, provider, monkeypatch):
    from apprise.plugins.wechat import NotifyWeChat

    # One local server answers both WeCom calls: the access token, then the message.
    server = provider(200, {"errcode": 0, "errmsg": "ok", "access_token": "TOKEN-1", "expires_in": 7200})
    monkeypatch.setattr(NotifyWeChat, "token_url", f"http://{server.address}/cgi-bin/gettoken")
    monkeypatch.setattr(NotifyWeChat, "notify_url", f"http://{server.address}/cgi-bin/message/send")
    settings.WECOM_APP_URL = "wechat://ww1234567890abcdef:app-secret@1000002"
    delivery = delivery_for(WECOM, user=officer)

    answer = get_channel(WECOM).send(delivery, MESSAGE)

    assert answer.ok, answer.answer
    token, message = server.requests
    assert token["method"] == "GET" and "corpid=ww1234567890abcdef" in token["path"]
    assert message["path"] == "/cgi-bin/message/send?access_token=TOKEN-1"
    posted = json.loads(message["body"])
    assert (posted["touser"], posted["agentid"], posted["msgtype"]) == ("WangFang", 1000002, "text")
    assert MESSAGE.title in posted["text"]["content"] and MESSAGE.link in posted["text"]["content"]
    assert get_channel(WECOM).target(delivery) == "wecom:WangFang"


def test_wecom_app_message_failure_is_an_answer_to_retry(officer, settings, monkeypatch):
    from apprise.plugins.wechat import NotifyWeChat

    monkeypatch.setattr(NotifyWeChat, "token_url", f"http://127.0.0.1:{closed_port()}/cgi-bin/gettoken")
    settings.WECOM_APP_URL = "wechat://ww1234567890abcdef:app-secret@1000002"

    answer = get_channel(WECOM).send(delivery_for(WECOM, user=officer), MESSAGE)

    assert not answer.ok and not answer.permanent and "access token" in answer.answer


# --- robots posted by lawflow: webhook addresses, DingTalk's signature, answers by JSON code ------------------------


def test_robot_urls_name_their_webhooks_in_apprise_form_and_as_addresses():
    from dataclasses import astuple

    from notifications.channels.robot import webhook_of

    assert astuple(webhook_of("wecombot://693a91f6-7aaa")) == ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa", "")
    assert astuple(webhook_of("dingtalk://SEC123@abc123")) == ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc123", "SEC123")
    assert webhook_of("feishu://f19a-uuid").url == "https://open.feishu.cn/open-apis/bot/v2/hook/f19a-uuid"
    assert webhook_of("lark://l1").url == "https://open.larksuite.com/open-apis/bot/v2/hook/l1"
    # The address itself, on the platform's host or on a proxy (政务外网), the DingTalk secret as a parameter.
    hook = webhook_of("http://10.1.2.3:8080/robot/send?access_token=abc123&secret=SEC123")
    assert astuple(hook) == ("dingtalk", "http://10.1.2.3:8080/robot/send?access_token=abc123", "SEC123")
    assert webhook_of("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1").platform == "wecom"
    assert webhook_of("json://127.0.0.1/") is None and webhook_of("nosuchscheme://x") is None


def test_dingtalk_robot_with_a_secret_signs_as_dingtalk_documents(db, provider, monkeypatch):
    import base64
    import hashlib
    import hmac

    from notifications.channels import robot as robots

    server = provider(200, {"errcode": 0, "errmsg": "ok"})
    monkeypatch.setattr(robots, "DINGTALK_WEBHOOK", f"http://{server.address}/robot/send?access_token={{token}}")
    robot = GroupRobot.objects.create(name="执法大队群", kind=GroupRobot.Kind.DINGTALK, url="dingtalk://SECabc@tok123")

    answer = get_channel(ROBOT).send(delivery_for(ROBOT, robot=robot), MESSAGE)

    assert answer.ok, answer.answer
    request = server.only_request()
    query = {name: values[0] for name, values in parse_qs(urlsplit(request["path"]).query).items()}
    assert query["access_token"] == "tok123"
    expected = base64.b64encode(hmac.new(b"SECabc", f"{query['timestamp']}\nSECabc".encode(), hashlib.sha256).digest())
    assert query["sign"] == expected.decode()  # parse_qs undid the URL encoding
    assert abs(int(query["timestamp"]) / 1000 - timezone.now().timestamp()) < 60
    posted = json.loads(request["body"])
    assert posted["msgtype"] == "text" and posted["text"]["content"].startswith(MESSAGE.title)


def test_feishu_robot_answer_ok_is_sent_and_a_rate_limit_is_retried(db, provider, monkeypatch):
    from notifications.channels import robot as robots

    server = provider(200, {"code": 0, "msg": "success", "data": {}})
    monkeypatch.setattr(robots, "FEISHU_WEBHOOK", f"http://{server.address}/open-apis/bot/v2/hook/{{token}}")
    robot = GroupRobot.objects.create(name="党政办群", kind=GroupRobot.Kind.FEISHU, url="feishu://f19a")
    delivery = delivery_for(ROBOT, robot=robot)

    assert get_channel(ROBOT).send(delivery, MESSAGE).ok
    posted = json.loads(server.only_request()["body"])
    assert posted["msg_type"] == "text" and MESSAGE.link in posted["content"]["text"]

    server.reply = (200, {"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]"})
    limited = get_channel(ROBOT).send(delivery, MESSAGE)
    assert not limited.ok and not limited.permanent and "11232" in limited.answer


def test_robot_webhook_that_does_not_answer_in_time_may_have_posted(db, settings):
    """A read time-out after the POST went out: uncertain, never simply sent again."""
    settings.CHANNEL_TIMEOUT_SECONDS = 1
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts the connection (the kernel does) and never answers
    try:
        port = listener.getsockname()[1]
        robot = GroupRobot.objects.create(name="慢群", kind=GroupRobot.Kind.WECOM,
                                          url=f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=K1")

        answer = get_channel(ROBOT).send(delivery_for(ROBOT, robot=robot), MESSAGE)

        assert not answer.ok and answer.uncertain and "ReadTimeout" in answer.answer
    finally:
        listener.close()


def test_aliyun_read_timeout_is_uncertain(officer, aliyun):
    """The SDK's read time-out (the request went out, no answer) is told apart from a refused connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        aliyun.SMS_ENDPOINT, aliyun.SMS_TIMEOUT_SECONDS = f"http://127.0.0.1:{listener.getsockname()[1]}", 1

        answer = get_channel(SMS).send(delivery_for(SMS, user=officer), MESSAGE)

        assert not answer.ok and answer.uncertain and "timed out" in answer.answer.lower()
    finally:
        listener.close()
