"""SMS through an approved signature and template (签名 + 模板), by settings.SMS_BACKEND:

- console: one line on standard output (development);
- file:/path: one JSON line per message appended to the file (development, acceptance checks);
- aliyun: Alibaba Cloud SMS (dysmsapi 2017-05-25), the delivery key as OutId;
- tencent: Tencent Cloud SMS (2021-01-11), the delivery key as SessionContext.

A send that may have reached the provider without an answer (a read time-out) is not sent again blindly: the
file, Aliyun (QuerySendDetails by phone and send date, matched on OutId) and Tencent (PullSmsSendStatusByPhoneNumber,
matched on SessionContext) are asked first (`lookup`); the console cannot be asked.

Provider settings: SMS_SIGN_NAME, SMS_TEMPLATE_CODE, SMS_TEMPLATE_PARAMS, SMS_ACCESS_KEY_ID, SMS_ACCESS_KEY_SECRET,
SMS_SDK_APP_ID (Tencent), SMS_REGION, SMS_ENDPOINT, SMS_TIMEOUT_SECONDS; SMS_PER_MINUTE limits sends per phone.
"""

import datetime
import json
import os
import re
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Answer, Channel, Lookup, Message
from .text import maybe_sent, refuse

# Provider codes that a retry cannot cure: a wrong number, a signature or template not approved, the template's
# variables not matching. Everything else (rate limits, balance, outages) is retried with back-off.
ALIYUN_PERMANENT = {"isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL",
                    "isv.TEMPLATE_MISSING_PARAMETERS", "isv.INVALID_JSON_PARAM"}
TENCENT_PERMANENT = {"InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberParseFail",
                     "FailedOperation.SignatureIncorrectOrUnapproved", "FailedOperation.TemplateIncorrectOrUnapproved",
                     "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"}


class Misconfigured(Exception):
    """A setting the provider needs is missing or wrong: answered as a permanent failure."""

    def __init__(self, answer: Answer):
        self.answer = answer


def phone_of(delivery) -> str:
    user = delivery.recipient
    return re.sub(r"[\s()-]", "", user.phone or "") if user is not None else ""


def mainland(phone: str) -> str:
    """Aliyun takes a mainland number without its country code."""
    return phone[3:] if phone.startswith("+86") else phone


def e164(phone: str) -> str:
    """Tencent wants +86… (E.164)."""
    if phone.startswith("+"):
        return phone
    if phone.startswith("86") and len(phone) == 13:
        return f"+{phone}"
    return f"+86{phone}"


def template_values(message: Message) -> list[tuple[str, str]]:
    """(template variable, value) in the template's order, from SMS_TEMPLATE_PARAMS ("var" or "var=param")."""
    values = []
    for entry in filter(None, (part.strip() for part in settings.SMS_TEMPLATE_PARAMS.split(","))):
        variable, _sep, param = (part.strip() for part in entry.partition("="))
        param = param or variable
        if param not in message.sms_params:
            raise Misconfigured(refuse(
                _("The SMS template variable {variable} has no value: the message has {known} (SMS_TEMPLATE_PARAMS)."),
                variable=variable, known=", ".join(message.sms_params) or "-"))
        values.append((variable, str(message.sms_params[param])))
    return values


def require(names: list[str]) -> None:
    missing = [name for name in names if not getattr(settings, name, "")]
    if missing:
        raise Misconfigured(refuse(_("SMS is not configured: {missing} missing."), missing=", ".join(missing)))


def endpoint() -> tuple[str, str | None]:
    """(scheme, host) of SMS_ENDPOINT; an empty setting leaves the provider's public endpoint (https)."""
    value = settings.SMS_ENDPOINT.strip().rstrip("/")
    if not value:
        return "https", None
    scheme, sep, host = value.partition("://")
    return (scheme.lower(), host) if sep else ("https", value)


class ConsoleBackend:
    def can_look_up(self) -> bool:
        return False

    def send(self, phone: str, key: str, message: Message) -> Answer:
        sys.stdout.write(f"[SMS to {phone}] {message.sms_text}\n")
        sys.stdout.flush()
        return Answer(ok=True, answer=f"console: printed for {phone}")


class FileBackend:
    def __init__(self, path: str):
        self.path = path

    def can_look_up(self) -> bool:
        # Only a regular file keeps lines to look through (a pipe or a device does not; opening one to read would
        # wait for a writer).
        return not os.path.exists(self.path) or os.path.isfile(self.path)

    def lookup(self, phone: str, key: str, since) -> Lookup:
        try:
            with open(self.path, encoding="utf-8") as lines:
                found = any(json.loads(line).get("key") == key for line in lines if line.strip())
        except FileNotFoundError:
            found = False
        return Lookup(found=found, final=True,
                      answer=f"file: a line for {key} {'found' if found else 'not found'} in {self.path}")

    def send(self, phone: str, key: str, message: Message) -> Answer:
        line = {"key": key, "phone": phone, "sign": settings.SMS_SIGN_NAME, "template": settings.SMS_TEMPLATE_CODE,
                "params": dict(template_values(message)), "text": message.sms_text, "at": timezone.now().isoformat()}
        try:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")  # one short append: workers' lines do not mix
        except OSError as error:
            return Answer(ok=False, answer=f"file {self.path}: {error}")
        return Answer(ok=True, answer=f"file: line written to {self.path}")


def since_dates(since) -> list[datetime.date]:
    """The local send dates from `since` to today (Aliyun keeps send records by date; at most 30 days back)."""
    today = timezone.localdate()
    first = timezone.localdate(since) if since is not None else today
    first = max(first, today - datetime.timedelta(days=29))
    return [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]


class AliyunBackend:
    PAGE = 50  # QuerySendDetails' largest page

    def client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        scheme, host = endpoint()
        timeout_ms = settings.SMS_TIMEOUT_SECONDS * 1000
        config = Config(access_key_id=settings.SMS_ACCESS_KEY_ID, access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
                        region_id=settings.SMS_REGION or "cn-hangzhou", endpoint=host, protocol=scheme,
                        read_timeout=timeout_ms, connect_timeout=timeout_ms)
        return Client(config)

    def can_look_up(self) -> bool:
        return True

    def lookup(self, phone: str, key: str, since) -> Lookup:
        """QuerySendDetails for the phone on each send date since `since`, looking for our OutId. A record (any
        SendStatus: 1 waiting for the receipt, 2 failed at the carrier, 3 delivered) means Aliyun accepted it."""
        require(["SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET"])
        from alibabacloud_dysmsapi20170525 import models

        client = self.client()
        asked = []
        try:
            for day in since_dates(since):
                page = 1
                while True:
                    body = client.query_send_details(models.QuerySendDetailsRequest(
                        phone_number=mainland(phone), send_date=f"{day:%Y%m%d}", page_size=self.PAGE,
                        current_page=page)).body
                    if body.code != "OK":
                        return Lookup(found=None, answer=f"aliyun QuerySendDetails {day:%Y%m%d}: Code={body.code} "
                                                         f"Message={body.message} RequestId={body.request_id}")
                    records = (body.sms_send_detail_dtos.sms_send_detail_dto or []) if body.sms_send_detail_dtos else []
                    for record in records:
                        if record.out_id == key:
                            return Lookup(found=True, answer=(
                                f"aliyun QuerySendDetails {day:%Y%m%d}: OutId={key} found, SendStatus="
                                f"{record.send_status} ErrCode={record.err_code} SendDate={record.send_date} "
                                f"RequestId={body.request_id}"))
                    asked.append(f"{day:%Y%m%d} page {page}: {len(records)} records")
                    if page * self.PAGE >= int(body.total_count or 0) or not records:
                        break
                    page += 1
        except Exception as error:  # noqa: BLE001 - the SDK raises for HTTP errors and network failures alike
            return Lookup(found=None, answer=f"aliyun QuerySendDetails: {sdk_error('aliyun', error)}")
        return Lookup(found=False, answer=f"aliyun QuerySendDetails: OutId={key} not found ({'; '.join(asked)})")

    def send(self, phone: str, key: str, message: Message) -> Answer:
        require(["SMS_SIGN_NAME", "SMS_TEMPLATE_CODE", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET"])
        params = json.dumps(dict(template_values(message)), ensure_ascii=False)
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(phone_numbers=mainland(phone), sign_name=settings.SMS_SIGN_NAME,
                                        template_code=settings.SMS_TEMPLATE_CODE, template_param=params, out_id=key)
        try:
            body = self.client().send_sms(request).body
        except Exception as error:  # the SDK raises for HTTP errors and network failures alike
            text = sdk_error("aliyun", error)
            return Answer(ok=False, answer=text, uncertain=maybe_sent(text))
        answer = f"aliyun: Code={body.code} Message={body.message} BizId={body.biz_id} RequestId={body.request_id}"
        return Answer(ok=body.code == "OK", answer=answer, permanent=body.code in ALIYUN_PERMANENT)


class TencentBackend:
    def client(self):
        from tencentcloud.common.credential import Credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        scheme, host = endpoint()
        profile = ClientProfile(httpProfile=HttpProfile(protocol=scheme, endpoint=host,
                                                        reqTimeout=settings.SMS_TIMEOUT_SECONDS))
        return SmsClient(Credential(settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET),
                         settings.SMS_REGION or "ap-guangzhou", profile)

    def can_look_up(self) -> bool:
        return True

    def lookup(self, phone: str, key: str, since) -> Lookup:
        """PullSmsSendStatusByPhoneNumber since `since`, looking for our SessionContext. Tencent lists a message
        once the carrier's receipt has come back, so a message just accepted may not be there yet."""
        require(["SMS_SDK_APP_ID", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET"])
        from tencentcloud.sms.v20210111 import models

        now = int(timezone.now().timestamp())
        begin = int(since.timestamp()) - 60 if since is not None else now - 86400
        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.BeginTime, request.EndTime = max(begin, now - 7 * 86400), now + 60
        request.Offset, request.Limit = 0, 100
        request.PhoneNumber, request.SmsSdkAppId = e164(phone), settings.SMS_SDK_APP_ID
        try:
            response = self.client().PullSmsSendStatusByPhoneNumber(request)
        except Exception as error:  # noqa: BLE001 - TencentCloudSDKException for API errors and network failures
            return Lookup(found=None, answer=f"tencent PullSmsSendStatusByPhoneNumber: {sdk_error('tencent', error)}")
        statuses = response.PullSmsSendStatusSet or []
        for status in statuses:
            if status.SessionContext == key:
                return Lookup(found=True, answer=(
                    f"tencent PullSmsSendStatusByPhoneNumber: SessionContext={key} found, SerialNo={status.SerialNo} "
                    f"ReportStatus={status.ReportStatus} Description={status.Description} "
                    f"RequestId={response.RequestId}"))
        return Lookup(found=False, answer=(f"tencent PullSmsSendStatusByPhoneNumber: SessionContext={key} not found "
                                           f"among {len(statuses)} receipts, RequestId={response.RequestId}"))

    def send(self, phone: str, key: str, message: Message) -> Answer:
        require(["SMS_SIGN_NAME", "SMS_TEMPLATE_CODE", "SMS_SDK_APP_ID", "SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET"])
        values = [value for _variable, value in template_values(message)]
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [e164(phone)]
        request.SmsSdkAppId = settings.SMS_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = settings.SMS_TEMPLATE_CODE
        request.TemplateParamSet = values
        request.SessionContext = key
        try:
            response = self.client().SendSms(request)
        except Exception as error:  # TencentCloudSDKException for API errors and network failures alike
            text = sdk_error("tencent", error)
            return Answer(ok=False, answer=text, uncertain=maybe_sent(text))
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            return Answer(ok=False, answer=f"tencent: no send status in the answer, RequestId={response.RequestId}")
        answer = (f"tencent: Code={status.Code} Message={status.Message} SerialNo={status.SerialNo} "
                  f"PhoneNumber={status.PhoneNumber} RequestId={response.RequestId}")
        return Answer(ok=status.Code == "Ok", answer=answer, permanent=status.Code in TENCENT_PERMANENT)


def sdk_error(provider: str, error: Exception) -> str:
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or str(error)
    request_id = getattr(error, "request_id", None) or getattr(error, "requestId", None)
    text = f"{provider}: {type(error).__name__}"
    if code:
        text += f" Code={code}"
    text += f" Message={message}"
    return text + (f" RequestId={request_id}" if request_id else "")


def backend():
    """The backend SMS_BACKEND names, read at each use so that a changed setting takes effect."""
    name = settings.SMS_BACKEND.strip()
    if name == "console":
        return ConsoleBackend()
    if name.startswith("file:") and name[5:].strip():
        return FileBackend(name[5:].strip())
    if name == "aliyun":
        return AliyunBackend()
    if name == "tencent":
        return TencentBackend()
    raise ImproperlyConfigured(
        f"SMS_BACKEND={name!r} is not one of console, file:/path/to/file, aliyun, tencent")


class SmsChannel(Channel):
    name = "sms"
    label = _("SMS")
    interrupting = True

    def target(self, delivery) -> str:
        phone = phone_of(delivery)
        return f"sms:{phone}" if phone else delivery.recipient_key

    def per_minute(self, delivery) -> int | None:
        return settings.SMS_PER_MINUTE or None

    def can_look_up(self, delivery) -> bool:
        return bool(phone_of(delivery)) and backend().can_look_up()

    def lookup(self, delivery, since) -> Lookup:
        try:
            return backend().lookup(phone_of(delivery), delivery.key, since)
        except Misconfigured as refusal:
            return Lookup(found=None, answer=refusal.answer.answer)

    def send(self, delivery, message: Message) -> Answer:
        sender = backend()
        phone = phone_of(delivery)
        if not phone:
            return refuse(_("No mobile phone number on record."))
        try:
            return sender.send(phone, delivery.key, message)
        except Misconfigured as refusal:
            return refusal.answer

