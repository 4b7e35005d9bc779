"""The petition's documents (条例 Art 23, 34, 35): the 受理告知书, the 不予受理告知书, the 信访处理意见书 with the
petitioner's right to ask for a review within 30 days, each numbered when issued, as DOCX and PDF."""

import pytest

from .conftest import client_for, make_user
from .document_helpers import docx_text, pdf_text, squeeze
from .test_petitions import fire, register

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rows(client, pk):
    response = client.get(f"/api/v1/petitions/{pk}/documents/")
    assert response.status_code == 200, response.content[:300]
    return {r["kind"]: r for r in response.json()}


def texts(client, row):
    docx = client.get(row["urls"]["docx"])
    pdf = client.get(row["urls"]["pdf"])
    assert docx.status_code == 200 and pdf.status_code == 200
    return squeeze(docx_text(docx.content)), pdf_text(pdf.content)


def test_acceptance_notice_and_handling_opinion(today):
    office = client_for(make_user("petition_office"))
    petition = register(office, today).json()
    before = rows(office, petition["id"])
    assert office.get(before["petition_acceptance_notice"]["urls"]["docx"]).status_code == 409
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "reply", opinion="经调查核实，占地属实，责令恢复原状。", result="support")
    documents = rows(office, petition["id"])
    notice = documents["petition_acceptance_notice"]
    for text in texts(office, notice):
        assert squeeze(notice["number"]) in text and "张三" in text and "宅基地边界纠纷" in text
    opinion = documents["petition_handling_opinion"]
    assert opinion["number"] and opinion["number"] != notice["number"]
    for text in texts(office, opinion):
        assert squeeze(opinion["number"]) in text and "张三" in text and "宅基地边界纠纷" in text
        assert "占地属实" in text and "30日" in text and "复查" in text
        assert "三、依据" in text and "审查依据" not in text and "信访形式" in text  # a petition's words


def test_non_acceptance_notice_gives_the_reason(today):
    office = client_for(make_user("petition_office"))
    petition = register(office, today).json()
    fire(office, petition["id"], "decline", reason="属于诉讼程序解决的事项")
    row = rows(office, petition["id"])["petition_non_acceptance_notice"]
    for text in texts(office, row):
        assert squeeze(row["number"]) in text and "属于诉讼程序解决的事项" in text and "张三" in text


def test_others_do_not_get_the_documents(today):
    office = client_for(make_user("petition_office"))
    petition = register(office, today).json()
    assert client_for(make_user("enforcement_officer")).get(
        f"/api/v1/petitions/{petition['id']}/documents/").status_code in (403, 404)
