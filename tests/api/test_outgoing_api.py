"""Văn bản đi through the API: draft, reviews, signing with the PIN, issuing, statuses, preview, check, recall."""
import pytest

from ..documents.outgoing_setup import PIN, draft_data, make_sender
from ..factories import bearer_headers


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def only_task(client, auth, spec_id):
    tasks = [t for t in client.get("/api/v1/tasks", headers=auth).get_json()["items"] if t["spec_id"] == spec_id]
    assert len(tasks) == 1, spec_id
    return tasks[0]["id"]


def test_the_whole_outgoing_path_through_the_api(client, sender):
    as_specialist = bearer_headers(client, sender.specialist)
    started = client.post("/api/v1/processes/outgoing_document/instances", headers=as_specialist).get_json()
    draft_task = started["active_tasks"][0]["id"]
    invalid = client.post(f"/api/v1/tasks/{draft_task}", headers=as_specialist, json={"doc_type": "CV"})
    assert invalid.status_code == 422 and "subject" in invalid.get_json()["error"]["fields"]
    data = {k: v for k, v in draft_data(sender).items()}
    assert client.post(f"/api/v1/tasks/{draft_task}", headers=as_specialist, json=data).status_code == 200
    [draft] = client.get("/api/v1/documents/outgoing?drafts=1", headers=as_specialist).get_json()["items"]
    document_id = draft["id"]
    assert draft["outgoing"]["stage"] == "content_review"
    preview = client.get(f"/api/v1/documents/{document_id}/preview", headers=as_specialist)
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")

    for user, spec in ((sender.unit_head, "review_content"), (sender.checker, "check_format")):
        auth = bearer_headers(client, user)
        assert client.post(f"/api/v1/tasks/{only_task(client, auth, spec)}", headers=auth,
                           json={"decision": "approve"}).status_code == 200

    as_leader = bearer_headers(client, sender.leader)
    sign_task = only_task(client, as_leader, "sign")
    wrong = client.post(f"/api/v1/tasks/{sign_task}", headers=as_leader, json={"decision": "sign", "pin": "0000"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["message"] == "Mã PIN không đúng."
    signed = client.post(f"/api/v1/tasks/{sign_task}", headers=as_leader, json={"decision": "sign", "pin": PIN})
    assert signed.status_code == 200 and signed.get_json()["signature"]["verified"] is True

    as_clerk = bearer_headers(client, sender.clerk)
    issued = client.post(f"/api/v1/tasks/{only_task(client, as_clerk, 'issue')}", headers=as_clerk, json={})
    assert issued.status_code == 200
    outgoing = client.get(f"/api/v1/documents/{document_id}/outgoing", headers=as_clerk).get_json()
    assert outgoing["symbol"] == "01/VPUBND-TH" and outgoing["outgoing"]["stage"] == "released"
    assert [(r["code"], r["status"]) for r in outgoing["outgoing"]["recipients"]] == [(sender.recipient.code, "01")]
    checked = client.get(f"/api/v1/documents/{document_id}/signatures", headers=as_clerk).get_json()
    assert [s["verdict"] for s in checked["signatures"]] == ["valid", "valid"]

    refused = client.post(f"/api/v1/documents/{document_id}/recall", headers=as_clerk, json={"reason": ""})
    assert refused.status_code == 422
    recalled = client.post(f"/api/v1/documents/{document_id}/recall", headers=as_clerk,
                           json={"reason": "Sai thời hạn báo cáo"}).get_json()
    assert recalled["asked"] == 1 and recalled["outgoing"]["recipients"][0]["status"] == "13"


def test_outgoing_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/documents/outgoing", "/api/v1/documents/{document_id}/outgoing",
                 "/api/v1/documents/{document_id}/preview", "/api/v1/documents/{document_id}/signatures",
                 "/api/v1/documents/{document_id}/recall", "/api/v1/documents/{document_id}/update"):
        assert path in paths, path


def test_a_key_held_elsewhere_signs_through_prepare_and_finish(app, db, client, sender):
    import base64
    from pathlib import Path

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from app.signing.demo_pki import ensure_demo_pki
    from app.signing.models import PendingSignature

    from ..documents.outgoing_setup import approve_reviews, start_draft

    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    # The key holder: a token whose key never reaches the server; here the demo CA issued it.
    token = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_person(
        f"token-{sender.leader.username}", sender.leader.full_name, sender.agency.name)
    as_leader = bearer_headers(client, sender.leader)
    sign_task = only_task(client, as_leader, "sign")
    body = {"certificate": base64.b64encode(token.certificate.dump()).decode(),
            "chain": [base64.b64encode(c.dump()).decode() for c in token.ca_chain]}

    stranger = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_person("token-other", "Người Khác", "Sở khác")
    wrong_holder = client.post(f"/api/v1/tasks/{sign_task}/signing/prepare", headers=as_leader,
                               json={**body, "certificate": base64.b64encode(stranger.certificate.dump()).decode()})
    assert wrong_holder.status_code == 422 and "không phải cho" in wrong_holder.get_json()["error"]["message"]

    prepared = client.post(f"/api/v1/tasks/{sign_task}/signing/prepare", headers=as_leader, json=body)
    assert prepared.status_code == 201, prepared.get_json()
    session = prepared.get_json()
    to_sign = base64.b64decode(session["signed_attributes"])
    value = token.private_key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    pending = db.session.get(PendingSignature, session["session"])
    real_expiry, pending.expires_at = pending.expires_at, pending.created_at
    expired = client.post(f"/api/v1/signing/{session['session']}/finish", headers=as_leader,
                          json={"signature": base64.b64encode(value).decode()})
    assert expired.status_code == 422 and "hết hạn" in expired.get_json()["error"]["message"]
    pending.expires_at = real_expiry
    forged = client.post(f"/api/v1/signing/{session['session']}/finish", headers=as_leader,
                         json={"signature": base64.b64encode(value[:-1] + bytes([value[-1] ^ 1])).decode()})
    assert forged.status_code == 422 and "không khớp" in forged.get_json()["error"]["message"]
    finished = client.post(f"/api/v1/signing/{session['session']}/finish", headers=as_leader,
                           json={"signature": base64.b64encode(value).decode()})
    assert finished.status_code == 200, finished.get_json()
    assert finished.get_json()["signature"]["verified"] is True
    as_clerk = bearer_headers(client, sender.clerk)
    assert only_task(client, as_clerk, "issue")  # on to the clerk, as after a PIN signature
    again = client.post(f"/api/v1/signing/{session['session']}/finish", headers=as_leader,
                        json={"signature": base64.b64encode(value).decode()})
    assert again.status_code == 422  # the session is used up
