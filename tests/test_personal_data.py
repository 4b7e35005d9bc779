"""Reading a person's full ID number or phone is itself recorded (issue 17 item 4; 个人信息保护法 Art 51, statute;
the record of every read: 本地做法, see workflows/personal_data.py).

Cases, petitions and mediations show ID numbers and phones masked — API, pages, lists, admin — and a case's date of
birth too (with the masked ID number it is the whole number). `POST /api/v1/{cases|petitions|mediations}/{id}/
personal-data/` and the button 查看完整信息 on the detail page return the full values and append exactly one audit
entry `read_personal_data` naming the user, the time, the client's IP and the fields read, never the values. Who may
not see the object gets 403 or 404 and nothing is recorded; a GET reveals and records nothing.
"""

import json

import pytest
from django.test import Client

from mediation.models import Mediation
from petitions.models import Petition
from workflows.audit import verify_chain
from workflows.masking import mask_id, mask_phone
from workflows.models import AuditEntry

from .case_fixtures import CASES, VALID_ID, VALID_ID_MASKED, VALID_PHONE, ok, party, town_fixture  # noqa: F401
from .conftest import client_for, make_user
from .test_mediation import Committees, register
from .test_petition_admin import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

BIRTH_DATE = "1949-12-31"  # of VALID_ID, the GB 11643 example
PHONE_MASKED = "138****8000"


def reads(obj=None):
    entries = AuditEntry.objects.filter(transition="read_personal_data")
    if obj is not None:
        entries = entries.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(entries.order_by("sequence"))


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_no_values(entry, *values):
    """The audit entry names fields, never their values."""
    text = json.dumps(entry.fields, ensure_ascii=False) + entry.comment
    for value in values:
        assert value not in text, (value, text)


# --- masks ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, masked", [
    ("", ""), ("1234567", "*******"), ("12345678", "123*5678"), (VALID_PHONE, PHONE_MASKED),
    ("0375-1234567", "0375-***4567"), ("0375-1234", "0375-****"), ("01012345678", "010****5678"),
])
def test_phones_are_masked_to_the_first_three_and_last_four(value, masked):
    assert mask_phone(value) == masked


def test_id_numbers_hide_exactly_the_date_of_birth():
    assert mask_id(VALID_ID) == VALID_ID_MASKED and "19491231" not in mask_id(VALID_ID)
    assert mask_id("1234567890") == "**********"


# --- cases ---------------------------------------------------------------------------------------------------

def test_the_case_shows_the_party_masked_and_reveals_it_once_audited(town, clock):
    officer = town.api("o1")
    case = town.report()
    for shown in (case, ok(officer.get(f"{CASES}{case['id']}/"))):
        assert shown["party"]["id_number"] == VALID_ID_MASKED and shown["party"]["phone"] == PHONE_MASKED
        assert "birth_date" not in shown["party"] and shown["party_age_band"] == "adult"
    listed = officer.get(CASES).content.decode()
    for whole in (VALID_ID, VALID_PHONE, BIRTH_DATE):
        assert whole not in officer.get(f"{CASES}{case['id']}/").content.decode()
        assert whole not in listed
    assert reads() == []

    clock.freeze()
    response = officer.post(f"{CASES}{case['id']}/personal-data/", REMOTE_ADDR="10.20.30.40")
    body = ok(response)
    assert response["Cache-Control"] == "no-store"
    assert body["people"] == [{"key": "party", "name": "王某某", "id_number": VALID_ID, "phone": VALID_PHONE,
                               "birth_date": BIRTH_DATE}]
    assert body["fields"] == ["party.id_number", "party.phone", "party.birth_date"]
    (entry,) = reads()
    assert (entry.object_type, entry.object_id, entry.user, entry.username, entry.client_ip, entry.at) == (
        "cases.case", str(case["id"]), town.u["o1"], "officer-o1", "10.20.30.40", clock.now())
    assert entry.fields == {"read": ["party.id_number", "party.phone", "party.birth_date"]}
    assert body["audit_entry"] == entry.sequence
    assert_no_values(entry, VALID_ID, VALID_PHONE, BIRTH_DATE, "19491231")
    assert verify_chain().intact
    # The case's history names the read (and shows no value).
    history = ok(officer.get(f"{CASES}{case['id']}/"))["history"]
    assert [h["transition"] for h in history][-1] == "read_personal_data" and history[-1]["user"] == "officer-o1"

    # Each read is recorded: a second one is a second entry.
    ok(town.api("chief").post(f"{CASES}{case['id']}/personal-data/"))
    assert [e.username for e in reads()] == ["officer-o1", "chief"]


def test_who_may_not_see_cases_gets_403_and_nothing_is_recorded(town):
    case = town.report()
    url = f"{CASES}{case['id']}/personal-data/"
    for role in ("drafter", "petition_office", "mediator"):
        response = client_for(make_user(role)).post(url)
        assert response.status_code == 403 and response.json()["error"] == "forbidden", role
        assert VALID_ID not in response.content.decode()
    assert Client().post(url).status_code == 401
    assert town.api("o1").post(f"{CASES}999999/personal-data/").status_code == 404
    assert town.api("o1").get(url).status_code == 405  # no GET: it would be prefetched and recorded unread
    assert reads() == []


def test_a_party_with_nothing_recorded_reveals_nothing_and_records_nothing(town):
    case = town.report(party=party(id_number="", phone=""))
    body = ok(town.api("o1").post(f"{CASES}{case['id']}/personal-data/"))
    assert (body["fields"], body["audit_entry"], body["people"][0]["id_number"]) == ([], None, "")
    assert reads() == []


def test_the_case_page_is_masked_and_its_button_reveals_and_records(town):
    case = town.report()
    client = page_client(town.u["o1"])
    page = client.get(f"/cases/cases/{case['id']}/")
    assert page.status_code == 200
    html = page.content.decode()
    for whole in (VALID_ID, VALID_PHONE, BIRTH_DATE):
        assert whole not in html, whole
    assert VALID_ID_MASKED in html and PHONE_MASKED in html and "****-**-**" in html
    action = f'action="/cases/cases/{case["id"]}/personal-data/"'
    assert action in html and "查看完整信息" in html and 'data-turbo="false"' in html

    assert client.get(f"/cases/cases/{case['id']}/personal-data/").status_code == 405
    assert reads() == []
    revealed = client.post(f"/cases/cases/{case['id']}/personal-data/", REMOTE_ADDR="10.0.0.5")
    assert revealed.status_code == 200 and revealed["Cache-Control"] == "no-store"
    text = revealed.content.decode()
    (entry,) = reads()
    assert VALID_ID in text and VALID_PHONE in text and BIRTH_DATE in text
    assert f"本次查看已记入审计日志（第{entry.sequence}条）" in text
    assert (entry.user, entry.client_ip) == (town.u["o1"], "10.0.0.5")
    # The history card of the case page names the read.
    assert "查看完整个人信息" in client.get(f"/cases/cases/{case['id']}/").content.decode()

    outsider = page_client(make_user("drafter"))
    assert outsider.post(f"/cases/cases/{case['id']}/personal-data/").status_code == 403
    assert page_client(town.u["o1"]).post("/cases/cases/999999/personal-data/").status_code == 404
    assert len(reads()) == 1


# --- petitions -----------------------------------------------------------------------------------------------

def register_petition(office, today) -> dict:
    body = {"channel": "visit", "subject": "宅基地边界纠纷", "content": "邻居占用宅基地。", "received_on": str(today),
            "petitioners": [{"name": "张三", "phone": VALID_PHONE, "id_number": VALID_ID},
                            {"name": "李四", "phone": "0375-1234567"}]}
    return ok(office.post("/api/v1/petitions/", body, format="json"), 201)


def test_petitioners_are_masked_and_revealed_with_one_entry(db, today, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    office_user = make_user("petition_office")
    office = client_for(office_user)
    petition = register_petition(office, today)
    first, second = (p["id"] for p in petition["petitioners"])
    assert [(p["phone"], p["id_number"]) for p in petition["petitioners"]] == [
        (PHONE_MASKED, VALID_ID_MASKED), ("0375-***4567", "")]
    detail = office.get(f"/api/v1/petitions/{petition['id']}/").content.decode()
    html = page_client(office_user).get(f"/petitions/petitions/{petition['id']}/").content.decode()
    for whole in (VALID_ID, VALID_PHONE, "0375-1234567"):
        assert whole not in detail and whole not in html, whole
    assert PHONE_MASKED in html and "查看完整信息" in html

    url = f"/api/v1/petitions/{petition['id']}/personal-data/"
    body = ok(office.post(url, REMOTE_ADDR="192.168.8.8"))
    assert [(p["name"], p["phone"], p["id_number"]) for p in body["people"]] == [
        ("张三", VALID_PHONE, VALID_ID), ("李四", "0375-1234567", "")]
    fields = [f"petitioners.{first}.id_number", f"petitioners.{first}.phone", f"petitioners.{second}.phone"]
    (entry,) = reads(Petition.objects.get(pk=petition["id"]))
    assert sorted(entry.fields["read"]) == sorted(fields) and sorted(body["fields"]) == sorted(fields)
    assert (entry.user, entry.client_ip) == (office_user, "192.168.8.8")
    assert_no_values(entry, VALID_ID, VALID_PHONE, "1234567")

    # Others: the enforcement officer has no role to see petitions (403), a mediator not sent the petition does
    # not see it (404); nothing recorded for either, on the API or the page.
    assert client_for(make_user("enforcement_officer")).post(url).status_code == 403
    assert client_for(make_user("mediator")).post(url).status_code == 404
    assert page_client(make_user("mediator")).post(f"/petitions/petitions/{petition['id']}/personal-data/"
                                                   ).status_code == 404
    page = page_client(office_user).post(f"/petitions/petitions/{petition['id']}/personal-data/")
    assert page.status_code == 200 and VALID_ID in page.content.decode()
    assert [e.username for e in reads()] == [office_user.username] * 2


def test_the_admin_shows_petitioners_masked_and_keeps_an_untouched_value(db, today, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    petition = register_petition(client_for(make_user("petition_office")), today)
    root = page_client(make_user(username="root-pd", is_staff=True, is_superuser=True))
    html = root.get(f"/admin/petitions/petition/{petition['id']}/change/").content.decode()
    assert VALID_ID not in html and VALID_PHONE not in html and "0375-1234567" not in html
    assert f'placeholder="{PHONE_MASKED}"' in html and f'placeholder="{VALID_ID_MASKED}"' in html
    # Saved as loaded (the boxes empty), with another field corrected: the recorded values stay.
    url = f"/admin/petitions/petition/{petition['id']}/change/"
    data = form_data(root, url, subject="宅基地边界纠纷（更正）")
    assert data["petitioners-0-phone"] == "" and data["petitioners-0-id_number"] == ""
    assert root.post(url, data).status_code == 302
    kept = Petition.objects.get(pk=petition["id"])
    assert kept.subject == "宅基地边界纠纷（更正）"
    assert list(kept.petitioners.values_list("phone", "id_number")) == [(VALID_PHONE, VALID_ID), ("0375-1234567", "")]
    edits = AuditEntry.objects.filter(transition="admin_edit").order_by("sequence")
    assert [e.fields["changed"] for e in edits] == [["subject"]]  # the petitioners were not changed
    # A value typed in replaces the recorded one.
    data = form_data(root, url, **{"petitioners-1-phone": "13912345678"})
    assert root.post(url, data).status_code == 302
    assert list(kept.petitioners.values_list("phone", flat=True)) == [VALID_PHONE, "13912345678"]


# --- mediation -----------------------------------------------------------------------------------------------

def test_mediation_parties_are_masked_and_revealed_with_one_entry(town):
    med = Committees(town.village, town.village2)
    parties = [{"name": "张三", "address": "石桥村1组", "id_number": VALID_ID, "phone": VALID_PHONE},
               {"name": "李四", "address": "石桥村2组", "id_number": "", "phone": ""}]
    body = ok(register(med.api1, med.village, parties=parties), 201)
    assert [(p["id_number"], p["phone"]) for p in body["parties"]] == [(VALID_ID_MASKED, PHONE_MASKED), ("", "")]
    html = page_client(med.m1_user).get(f"/mediation/mediations/{body['id']}/").content.decode()
    assert VALID_ID not in html and VALID_PHONE not in html and "查看完整信息" in html

    url = f"/api/v1/mediations/{body['id']}/personal-data/"
    assert med.api2.post(url).status_code == 404  # another village's mediator does not see it
    assert client_for(town.u["drafter"]).post(url).status_code == 403
    assert reads() == []
    revealed = ok(med.api1.post(url))
    zhang = body["parties"][0]["id"]
    assert revealed["fields"] == [f"parties.{zhang}.id_number", f"parties.{zhang}.phone"]
    assert revealed["people"][0]["id_number"] == VALID_ID and revealed["people"][1]["phone"] == ""
    (entry,) = reads(Mediation.objects.get(pk=body["id"]))
    assert entry.user == med.m1_user and entry.fields == {"read": revealed["fields"]}
    assert_no_values(entry, VALID_ID, VALID_PHONE)
