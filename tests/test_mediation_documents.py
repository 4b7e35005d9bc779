"""The documents of people's mediation (CONTRACT §6): 人民调解协议书 (人民调解法 Art 29, 33), the record of an oral
agreement (Art 28) and the 调解登记表, opened as DOCX (python-docx) and PDF (pypdf), and the pages."""

import pytest
from django.test import Client
from django.utils import timezone

from .case_fixtures import ok, town_fixture  # noqa: F401
from .document_helpers import docx_text, pdf_text, squeeze
from .test_mediation import URL, agree, fire, med, register, started  # noqa: F401

pytestmark = pytest.mark.clock


def rows(client, pk):
    return {r["kind"]: r for r in ok(client.get(f"/api/v1/mediations/{pk}/documents/"))}


def test_the_written_agreement_is_numbered_and_carries_art_29(med, today):  # noqa: F811
    mediation = started(med)
    before = rows(med.api1, mediation["id"])
    assert not before["mediation_agreement"]["available"] and not before["mediation_agreement"]["number"]
    assert before["mediation_registration"]["available"]
    assert med.api1.get(before["mediation_agreement"]["urls"]["docx"]).status_code == 409
    ok(agree(med, mediation["id"], today))
    doc = rows(med.api1, mediation["id"])["mediation_agreement"]
    year = timezone.localdate().year
    assert doc["number"] == f"石调协字〔{year}〕1号" and doc["title"] == "人民调解协议书"
    text = squeeze(docx_text(med.api1.get(doc["urls"]["docx"]).content))
    for expected in ("石桥村人民调解委员会", "张三", "李四", "石桥村1组", "滴水檐伸入李四宅基地约30厘米", "张三负主要责任",
                     "现金当面交付", "30日", "第33条", "李调解", f"〔{year}〕1号"):
        assert squeeze(expected) in text, expected
    assert "石桥镇人民政府" not in text.split("人民调解协议书")[0]  # the committee issues it, not the town
    response = med.api1.get(doc["urls"]["pdf"])
    assert response["Content-Type"] == "application/pdf"
    pdf = pdf_text(response.content)
    assert "人民调解协议书" in pdf and "滴水檐" in pdf
    # another committee's mediator may not read it
    assert med.api2.get(doc["urls"]["docx"]).status_code == 403


def test_the_oral_agreement_has_its_record_not_the_written_one(med, today):  # noqa: F811
    mediation = started(med)
    ok(fire(med.api1, mediation["id"], "reach_agreement", oral=True, terms="李四当场道歉，张三表示谅解。"))
    docs = rows(med.api1, mediation["id"])
    assert not docs["mediation_agreement"]["available"]
    assert docs["oral_agreement_record"]["available"]
    text = docx_text(med.api1.get(docs["oral_agreement_record"]["urls"]["docx"]).content)
    assert "李四当场道歉" in text


def test_the_pages(med, today):  # noqa: F811
    mediation = ok(register(med.api1, med.village), 201)
    browser = Client()
    browser.force_login(med.m1_user)
    assert browser.get("/mediation/mediations/").status_code == 200
    page = browser.get(f"/mediation/mediations/{mediation['id']}/")
    assert page.status_code == 200 and mediation["number"] in page.content.decode()
    assert browser.get(f"/mediation/mediations/{mediation['id']}/transitions/start/").status_code == 200
    assert browser.get("/mediation/mediations/?export=xlsx").status_code == 200
    other = Client()
    other.force_login(med.m2_user)
    assert other.get(f"/mediation/mediations/{mediation['id']}/").status_code == 404
    assert other.get(f"/mediation/mediations/{mediation['id']}/transitions/start/").status_code == 404
