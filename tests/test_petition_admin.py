"""The admin of petitions (petitions/admin.py): what PetitionFlow sets is read only and cannot be posted; what was
typed at registration is corrected there, audited on the petition; at most five representatives (信访工作条例
Art 19); reviews read only; no petition added or deleted there."""

import time

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from cases.models import Village
from petitions.admin import VILLAGE_FIXED
from petitions.models import Petition
from workflows.models import AuditEntry

from .conftest import client_for, make_user
from .test_petitions import fire, register

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_client():
    client = Client()
    client.force_login(make_user(username=f"root-{time.monotonic_ns()}", is_staff=True, is_superuser=True))
    return client


def form_data(client, url, inline_rows=None, **changes):
    """What the change form posts as loaded (GET): its fields, each inline's management form and rows, with
    `changes` applied to the petition and `inline_rows` {prefix: [extra row dicts]} appended."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = {}

    def put(prefix, form):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            key = f"{prefix}{name}"
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = getattr(value, "pk", value)

    put("", response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in formset.initial_forms:
            put(f"{form.prefix}-", form)
        extra = (inline_rows or {}).get(formset.prefix, [])
        for i, row in enumerate(extra, start=len(formset.initial_forms)):
            data.update({f"{formset.prefix}-{i}-{k}": v for k, v in row.items()})
        management = formset.management_form
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms) + len(extra)
        for key in ("INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{key}"] = management.initial.get(key, 0)
    data.update(changes)
    return data


def entries(petition):
    return AuditEntry.objects.filter(object_type="petitions.petition", object_id=str(petition.pk),
                                     transition="admin_edit").order_by("sequence")


def test_flow_fields_are_read_only_and_a_correction_is_audited(today):
    office = client_for(make_user("petition_office"))
    petition = Petition.objects.get(pk=register(office, today).json()["id"])
    number = petition.number
    client = admin_client()
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    response = client.get(url)
    form_fields = set(response.context["adminform"].form.fields)
    for owned in (*Petition.FLOW_OWNED_FIELDS, "received_on", "repeat_of"):
        assert owned not in form_fields, owned
    assert "张三" in response.content.decode()  # the petitioner's row

    data = form_data(client, url, subject="宅基地边界纠纷（更正）", state="closed", number="石信〔2026〕999号",
                     final="on", received_on="2000-01-01")
    data["petitioners-0-phone"] = "13900000000"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    petition.refresh_from_db()
    assert petition.subject == "宅基地边界纠纷（更正）" and petition.petitioners.get().phone == "13900000000"
    assert (petition.state, petition.number, petition.final, petition.received_on) == ("received", number, False,
                                                                                      today)
    assert [e.fields["changed"] for e in entries(petition)] == [["subject"], ["petitioners"]]


def test_a_sixth_representative_is_refused(today):
    office = client_for(make_user("petition_office"))
    five = [{"name": f"代表{i}", "phone": f"1380000000{i}"} for i in range(5)]
    petition = Petition.objects.get(pk=register(office, today, five, group_visit=True).json()["id"])
    client = admin_client()
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    data = form_data(client, url, inline_rows={"petitioners": [{"name": "代表6", "phone": "13800000006"}]})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert petition.petitioners.count() == 5 and not entries(petition).exists()


def test_the_village_is_the_flows_once_sent_there(today):
    office = client_for(make_user("petition_office"))
    first, second = Village.objects.create(name="石桥村"), Village.objects.create(name="东关村")
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "send_to_village", village=first.pk)
    client = admin_client()
    url = f"/admin/petitions/petition/{petition['id']}/change/"
    response = client.post(url, form_data(client, url, village=second.pk), follow=True)
    with translation.override("zh-hans"):
        expected = str(VILLAGE_FIXED)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]
    assert Petition.objects.get(pk=petition["id"]).village == first


def test_reviews_are_shown_read_only_and_nothing_is_added_or_deleted(today):
    office = client_for(make_user("petition_office"))
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "reply", opinion="不予支持。", result="not_support")
    fire(office, petition["id"], "request_review", organ="宝丰县人民政府")
    client = admin_client()
    html = client.get(f"/admin/petitions/petition/{petition['id']}/change/").content.decode()
    assert "宝丰县人民政府" in html and 'name="reviews-0-organ"' not in html
    assert client.get("/admin/petitions/petition/add/").status_code == 403
    assert client.get(f"/admin/petitions/petition/{petition['id']}/delete/").status_code == 403
    assert client.get("/admin/petitions/petition/?q=宅基地").status_code == 200
