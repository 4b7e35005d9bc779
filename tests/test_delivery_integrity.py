"""Nothing sent twice, nothing recorded as sent that was refused, no write lock held while sending (issue 10,
faults 2–5).

Providers are small servers on 127.0.0.1 (HTTP for robots and SMS, a raw socket for SMTP) that answer as the
platforms document, slowly where the fault needs it. The tests that need a worker run a real
`celery -A config worker` against the test database and the test Redis (tests/test_celery_reminders.py).
"""

import datetime
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from notifications.channels import IN_APP, ROBOT, SMS, get_channel, robot as robots
from notifications.models import DeliveryAttempt, GroupRobot, Notification
from notifications.reminders import claim_due_deliveries, deliver, sweep

from . import test_celery_reminders as celery_tests, test_channels as channel_tests
from .reminder_fixtures import deliveries, review_deadline, stage_time, submit_decision

# Shared with the Celery and channel tests: the worker and broker fixtures, the fake providers and their settings.
broker, redis_server, start_worker, wait_until = (celery_tests.broker, celery_tests.redis_server,
                                                  celery_tests.start_worker, celery_tests.wait_until)
aliyun, tencent, officer, provider = channel_tests.aliyun, channel_tests.tencent, channel_tests.officer, channel_tests.provider
ALIYUN_JSON, delivery_for = channel_tests.ALIYUN_JSON, channel_tests.delivery_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday morning, a working day: nothing here depends on the hour, but the clock is the test's.
INSTANT = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    # tick=True: real time flows (the providers' time-outs are real), starting from a fixed instant.
    with time_machine.travel(INSTANT, tick=True):
        yield


def claimed(delivery, now=None) -> None:
    """Claim the delivery as the sweep would (now: when the sweep runs)."""
    from django.utils import timezone

    assert delivery.pk in claim_due_deliveries(now or timezone.now())


def attempts(delivery) -> list[tuple[str, bool]]:
    return list(DeliveryAttempt.objects.filter(delivery=delivery).values_list("state", "ok"))


def admin_notes(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, delivery__isnull=True))


class SlowServer:
    """An HTTP server on 127.0.0.1; `answer(request)` gives (delay in seconds, status, JSON payload, content type).
    A request is recorded when it arrives, before the delay: the provider "has" it from then on."""

    def __init__(self, answer):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = {"path": self.path, "headers": dict(self.headers),
                           "body": self.rfile.read(length).decode("utf-8")}
                server.requests.append(request)
                delay, status, payload, content_type = answer(request)
                time.sleep(delay)
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, action: str) -> list[dict]:
        return [r for r in self.requests
                if action in (r["headers"].get("x-acs-action"), r["headers"].get("X-TC-Action"))]


@pytest.fixture
def slow_server():
    servers = []

    def start(answer):
        servers.append(SlowServer(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


# --- fault 4: a robot's refusal is a failure, with the platform's body in the log --------------------------------


ROBOT_REFUSALS = [
    # kind, URL form, the module constant pointing at the platform, answer (HTTP 200), permanent?
    (GroupRobot.Kind.DINGTALK, "dingtalk://{token}", "DINGTALK_WEBHOOK", "/robot/send?access_token={token}",
     {"errcode": 310000, "errmsg": "keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"},
     True),
    (GroupRobot.Kind.WECOM, "wecombot://{token}", "WECOM_WEBHOOK", "/cgi-bin/webhook/send?key={token}",
     {"errcode": 45009, "errmsg": "api freq out of limit"}, False),
    (GroupRobot.Kind.FEISHU, "feishu://{token}", "FEISHU_WEBHOOK", "/open-apis/bot/v2/hook/{token}",
     {"code": 19024, "msg": "Key Words Not Found", "data": {}}, True),
]
# apprise's plugins for the same robots (what sent them before lawflow posted them itself), pointed at the same
# local server so that nothing leaves this machine whichever code sends.
APPRISE_PLUGINS = {"DINGTALK_WEBHOOK": ("dingtalk", "NotifyDingTalk", "{token}"),
                   "WECOM_WEBHOOK": ("wecombot", "NotifyWeComBot", "{key}"),
                   "FEISHU_WEBHOOK": ("feishu", "NotifyFeishu", "{token}")}


@pytest.mark.clock
@pytest.mark.parametrize("kind, url, constant, path, reply, permanent", ROBOT_REFUSALS,
                         ids=["dingtalk-310000", "wecom-45009", "feishu-19024"])
def test_a_robots_refusal_with_http_200_is_logged_not_sent_with_its_body(
        db, clock, provider, monkeypatch, kind, url, constant, path, reply, permanent):
    import importlib

    server = provider(200, reply)
    monkeypatch.setattr(robots, constant, f"http://{server.address}{path}", raising=False)
    module, plugin, placeholder = APPRISE_PLUGINS[constant]
    monkeypatch.setattr(getattr(importlib.import_module(f"apprise.plugins.{module}"), plugin), "notify_url",
                        f"http://{server.address}{path.replace('{token}', placeholder)}")
    robot = GroupRobot.objects.create(name="司法所工作群", kind=kind, url=url.format(token="a1b2c3d4e5"),
                                      roles=["judicial_office"])
    delivery = delivery_for(ROBOT, robot=robot)
    claimed(delivery)

    result = deliver(delivery.pk)

    server.only_request()
    delivery.refresh_from_db()
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.ok is False and delivery.status != "sent"
    assert json.dumps(reply, ensure_ascii=False)[:60] in attempt.answer  # the platform's own words
    assert str(reply.get("errcode", reply.get("code"))) in delivery.last_answer
    assert attempt.state == "failed"  # it certainly did not reach the group
    if permanent:  # a keyword or token error: no retry cures it
        assert (result, delivery.status) == ("failed", "failed")
    else:  # a rate limit passes: back-off, then again
        assert (result, delivery.status, delivery.failures) == ("retry", "pending", 1)
        assert delivery.not_before > attempt.at


# --- fault 5 (in-process): no transaction open during the outside call --------------------------------------------


@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_transaction_is_open_while_a_channel_sends(clock, officer, monkeypatch):
    seen = []
    channel = get_channel(IN_APP)
    real_send = channel.send

    def send(delivery, message):
        seen.append(connection.in_atomic_block)
        return real_send(delivery, message)

    monkeypatch.setattr(channel, "send", send)
    delivery = delivery_for(IN_APP, user=officer)
    claimed(delivery)

    assert deliver(delivery.pk) == "sent"
    assert seen == [False]
    assert attempts(delivery) == [("sent", True)]


# --- fault 3: an SMS accepted after a time-out is not sent twice --------------------------------------------------


def aliyun_fields(request) -> dict:
    fields = parse_qs(urlsplit(request["path"]).query)
    fields.update(parse_qs(request["body"]))
    return {name: values[0] for name, values in fields.items()}


def aliyun_provider(slow_server, knows_it=True):
    """Aliyun: SendSms answers OK after 6 s; QuerySendDetails lists what SendSms received (OutId included), or
    nothing at all (knows_it=False: its records lag behind)."""
    sent = []

    def answer(request):
        fields = aliyun_fields(request)
        if request["headers"].get("x-acs-action") == "SendSms":
            sent.append(fields)
            return 6, 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "R-SEND"}, \
                ALIYUN_JSON
        records = [{"PhoneNum": s["PhoneNumbers"], "SendStatus": 3, "ErrCode": "DELIVERED", "OutId": s["OutId"],
                    "TemplateCode": s["TemplateCode"], "Content": "【石桥镇人民政府】…", "SendDate": "2026-06-10 10:00:01",
                    "ReceiveDate": "2026-06-10 10:00:05"}
                   for s in sent if knows_it and s["PhoneNumbers"] == fields.get("PhoneNumber")]
        return 0, 200, {"Code": "OK", "Message": "OK", "RequestId": "R-QUERY", "TotalCount": len(records),
                        "SmsSendDetailDTOs": {"SmsSendDetailDTO": records}}, ALIYUN_JSON

    return slow_server(answer)


@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_sms_accepted_after_a_read_timeout_is_found_by_its_out_id_and_not_sent_again(
        clock, officer, aliyun, slow_server):
    server = aliyun_provider(slow_server)
    aliyun.SMS_ENDPOINT, aliyun.SMS_TIMEOUT_SECONDS = f"http://{server.address}", 3
    delivery = delivery_for(SMS, user=officer)
    claimed(delivery)

    started = time.monotonic()
    assert deliver(delivery.pk) == "asking"  # no answer within 3 s: it may have left
    assert 2.5 < time.monotonic() - started < 6
    delivery.refresh_from_db()
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.state == "in_flight" and "timed out" in attempt.answer.lower()
    assert delivery.status == "pending" and delivery.failures == 0

    claimed(delivery, now=delivery.not_before)  # the next sweep after the back-off
    assert deliver(delivery.pk, now=delivery.not_before) == "sent"

    assert len(server.calls("SendSms")) == 1  # one text on the phone
    [query] = server.calls("QuerySendDetails")
    assert aliyun_fields(query)["PhoneNumber"] == "13800138000" and aliyun_fields(query)["SendDate"] == "20260610"
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert attempts(delivery) == [("sent", True), ("lookup", True)]
    lookup = DeliveryAttempt.objects.get(delivery=delivery, state="lookup")
    assert f"OutId={delivery.key} found" in lookup.answer


@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_sms_the_provider_cannot_find_becomes_uncertain_after_bounded_questions(
        clock, users, officer, aliyun, slow_server, settings):
    settings.REMINDER_LOOKUP_TRIES = 2
    server = aliyun_provider(slow_server, knows_it=False)
    aliyun.SMS_ENDPOINT, aliyun.SMS_TIMEOUT_SECONDS = f"http://{server.address}", 3
    delivery = delivery_for(SMS, user=officer)
    claimed(delivery)
    assert deliver(delivery.pk) == "asking"

    results = []
    for _round in range(2):
        delivery.refresh_from_db()
        claimed(delivery, now=delivery.not_before)
        results.append(deliver(delivery.pk, now=delivery.not_before))

    assert results == ["asking", "uncertain"]
    assert len(server.calls("SendSms")) == 1 and len(server.calls("QuerySendDetails")) == 2
    delivery.refresh_from_db()
    assert delivery.status == "uncertain"
    assert attempts(delivery) == [("uncertain", False), ("lookup", False), ("lookup", False)]
    [note] = admin_notes(users["admin"])
    assert f"#{delivery.pk}" in note.title and "短信" in note.title
    assert note.link.endswith(reverse("admin:notifications_delivery_change", args=[delivery.pk]))
    assert admin_notes(officer) == []  # only the admins are told
    # Nothing more goes out by itself: a later sweep does not claim it.
    assert delivery.pk not in claim_due_deliveries(delivery.not_before + datetime.timedelta(days=1))

    # An admin sends it again: logged, and the next run sends.
    from notifications.reminders import resolve_uncertain

    resolve_uncertain(delivery.pk, users["admin"], send_again=True)
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    resolved = DeliveryAttempt.objects.get(delivery=delivery, state="resolved")
    assert resolved.by == users["admin"] and "sent again" in resolved.answer


def tencent_provider(slow_server):
    sent = []

    def answer(request):
        body = json.loads(request["body"] or "{}")
        if request["headers"].get("X-TC-Action") == "SendSms":
            sent.append(body)
            return 6, 200, {"Response": {"SendStatusSet": [{
                "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8613800138000", "Fee": 1,
                "SessionContext": body["SessionContext"], "Code": "Ok", "Message": "send success", "IsoCode": "CN"}],
                "RequestId": "r-send"}}, "application/json"
        receipts = [{"UserReceiveTime": "2026-06-10 10:00:05", "CountryCode": "86", "SubscriberNumber": "13800138000",
                     "PhoneNumber": "+8613800138000", "SerialNo": "5000:1045710669157053657849499619",
                     "ReportStatus": "SUCCESS", "Description": "用户接收成功", "SessionContext": s["SessionContext"]}
                    for s in sent if body.get("PhoneNumber") in s["PhoneNumberSet"]]
        return 0, 200, {"Response": {"PullSmsSendStatusSet": receipts, "RequestId": "r-pull"}}, "application/json"

    return slow_server(answer)


@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_tencent_sms_accepted_after_a_read_timeout_is_found_by_its_session_context(
        clock, officer, tencent, slow_server):
    server = tencent_provider(slow_server)
    tencent.SMS_ENDPOINT, tencent.SMS_TIMEOUT_SECONDS = f"http://{server.address}", 3
    delivery = delivery_for(SMS, user=officer)
    claimed(delivery)

    assert deliver(delivery.pk) == "asking"
    delivery.refresh_from_db()
    claimed(delivery, now=delivery.not_before)
    assert deliver(delivery.pk, now=delivery.not_before) == "sent"

    assert len(server.calls("SendSms")) == 1
    [pull] = server.calls("PullSmsSendStatusByPhoneNumber")
    asked = json.loads(pull["body"])
    assert asked["PhoneNumber"] == "+8613800138000" and asked["SmsSdkAppId"] == "1400006666"
    assert attempts(delivery) == [("sent", True), ("lookup", True)]
    assert f"SessionContext={delivery.key} found" in DeliveryAttempt.objects.get(delivery=delivery,
                                                                                  state="lookup").answer


# --- fault 2: a worker killed mid-send does not send twice ------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_after_the_robot_got_the_post_does_not_post_again(
        api, users, judicial, start_worker, tmp_path, slow_server):
    webhook = slow_server(lambda request: (6, 200, {"ok": True}, "application/json"))
    robot = GroupRobot.objects.create(name="司法所工作群", kind=GroupRobot.Kind.OTHER, url=f"json://{webhook.address}/",
                                      roles=["judicial_office"])
    judicial.notification_channels = []
    judicial.save()
    first = start_worker(tmp_path / "sms.jsonl")
    deadline = review_deadline(submit_decision(api))
    moment = stage_time(deadline, "before", 3)
    assert sweep(now=moment) == 2  # in-app for the judicial office, and its group robot

    wait_until(lambda: len(webhook.requests) == 1, what=f"the robot's POST\n{first.output()}")
    first.kill()  # after the webhook got the POST, before its answer: the send's outcome is unknown
    delivery = deliveries(deadline, robot=robot).get()
    assert delivery.status == "sending" and attempts(delivery) == [("in_flight", False)]

    second = start_worker(tmp_path / "sms.jsonl")
    # (The in-app delivery may have waited behind the robot's in the killed worker: then it is claimed again too.)
    assert sweep(now=moment + datetime.timedelta(seconds=django_settings.REMINDER_LEASE_SECONDS + 1)) >= 1
    wait_until(lambda: deliveries(deadline, robot=robot).get().status == "uncertain",
               what=f"the re-claimed robot delivery\n{second.output()}")
    time.sleep(1)
    assert len(webhook.requests) == 1  # the group saw the reminder once
    assert attempts(delivery) == [("uncertain", False)]
    [note] = admin_notes(users["admin"])
    assert "司法所工作群" in note.title and f"#{delivery.pk}" in note.title
    assert reverse("admin:notifications_delivery_change", args=[delivery.pk]) in note.link


# --- fault 5: web writes go through while a worker sends through a slow SMTP server ------------------------------


class SlowSmtp:
    """An SMTP server on 127.0.0.1 that waits `delay` seconds before each reply; it keeps the messages it took."""

    def __init__(self, delay: float):
        self.delay, self.messages, self.connections = delay, [], 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.talk, args=(conn,), daemon=True).start()

    def reply(self, conn, line: str):
        time.sleep(self.delay)
        conn.sendall(f"{line}\r\n".encode())

    def talk(self, conn):
        with conn, conn.makefile("rb") as lines:
            self.reply(conn, "220 smtp.shiqiao.example ESMTP")
            data = None
            for raw in lines:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if data is not None:
                    if line == ".":
                        self.messages.append("\n".join(data))
                        data = None
                        self.reply(conn, "250 2.0.0 queued")
                    else:
                        data.append(line)
                    continue
                verb = line.split(" ", 1)[0].upper()
                if verb == "DATA":
                    data = []
                    self.reply(conn, "354 end data with <CR><LF>.<CR><LF>")
                elif verb == "QUIT":
                    self.reply(conn, "221 bye")
                    return
                else:
                    self.reply(conn, "250 ok")

    def close(self):
        self.sock.close()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_api_writes_answer_at_once_while_a_worker_sends_through_a_slow_smtp_server(
        api, users, judicial, start_worker, tmp_path):
    smtp = SlowSmtp(delay=8)
    try:
        judicial.notification_channels = ["email"]
        judicial.save()
        worker = start_worker(tmp_path / "sms.jsonl", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                              EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port), EMAIL_TIMEOUT="20")
        draft = api["drafter"].post("/api/v1/decisions/", {
            "title": "石桥镇集贸市场管理办法", "body": "第一条……", "category": "normative_document",
            "department": "党政办"}, format="json").json()
        deadline = review_deadline(submit_decision(api))
        assert sweep(now=stage_time(deadline, "before", 3)) == 2  # in-app and e-mail
        wait_until(lambda: smtp.connections == 1, what=f"the SMTP connection\n{worker.output()}")
        time.sleep(1)  # the worker is now waiting for the server's greeting, mid-send

        answers = []
        for n in range(3):
            started = time.monotonic()
            response = api["drafter"].patch(f"/api/v1/decisions/{draft['id']}/", {"body": f"第一条……（第{n + 1}稿）"},
                                            format="json")
            answers.append((response.status_code, time.monotonic() - started))
        assert [status for status, _seconds in answers] == [200, 200, 200], answers
        assert max(seconds for _status, seconds in answers) < 5, answers
        assert deliveries(deadline, channel="email").get().status == "sending"  # the send was still going on

        wait_until(lambda: deliveries(deadline, channel="email").get().status == "sent", timeout=120,
                   what=f"the slow e-mail\n{worker.output()}")
        [message] = smtp.messages
        assert "Message-ID: <lawflow-" in message
    finally:
        smtp.close()


# --- the admin resolves an uncertain delivery -------------------------------------------------------------------


@pytest.mark.clock
def test_an_admin_marks_an_uncertain_delivery_delivered_from_the_admin_site(db, clock, users, client, settings):
    """A robot whose webhook takes the POST and never answers: uncertain at once (a robot cannot be asked), the
    admins told; the admin marks it delivered from the deliveries list, and that decision is in the attempt log."""
    from .conftest import make_user

    settings.CHANNEL_TIMEOUT_SECONDS = 1
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        robot = GroupRobot.objects.create(
            name="镇政府工作群", kind=GroupRobot.Kind.WECOM,
            url=f"http://127.0.0.1:{listener.getsockname()[1]}/cgi-bin/webhook/send?key=K1")
        delivery = delivery_for(ROBOT, robot=robot)
        claimed(delivery)
        assert deliver(delivery.pk) == "uncertain"
    finally:
        listener.close()
    [note] = admin_notes(users["admin"])
    assert "镇政府工作群" in note.title and "群机器人" in note.title and "不会自动重发" in note.body

    staff = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(staff)
    changelist = reverse("admin:notifications_delivery_changelist")
    assert "标记为已送达" in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "mark_delivered", "_selected_action": [delivery.pk], "index": 0})
    assert response.status_code == 302

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    resolved = DeliveryAttempt.objects.get(delivery=delivery, state="resolved")
    assert resolved.by == staff and "marked it as delivered" in resolved.answer
    # A second time: refused, nothing changes.
    client.post(changelist, {"action": "send_again", "_selected_action": [delivery.pk], "index": 0})
    delivery.refresh_from_db()
    assert delivery.status == "sent" and DeliveryAttempt.objects.filter(delivery=delivery, state="resolved").count() == 1
