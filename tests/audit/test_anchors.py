"""Anchors catch what the chain's own walk cannot: history rewritten with every hash recomputed, and a cut end."""
from sqlalchemy import delete, update

from app.audit.anchors import verify_anchors
from app.audit.models import AuditAnchor, AuditChainHead, AuditEvent
from app.audit.services import HEAD_ID, record
from app.audit.verification import verify_chain

from .tampering import anchored_events, rehash_from


def test_rewritten_history_with_recomputed_hashes_is_caught_by_the_anchor(app, make, db):
    events, anchor = anchored_events(app, make)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[2].id).values(data={"step": 99}))
    rehash_from(db, events[2].seq)
    assert verify_chain().intact  # the chain alone cannot tell
    with app.test_request_context():
        report = verify_anchors(app.config)
    assert not report.intact and "viết lại" in report.problem and f"số {anchor.seq}" in report.problem


def test_a_cut_end_is_caught_by_the_anchor(app, make, db):
    events, anchor = anchored_events(app, make)
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq > events[2].seq))
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
                       .values(seq=events[2].seq, hash=events[2].hash))
    db.session.expire_all()
    assert verify_chain().intact
    with app.test_request_context():
        report = verify_anchors(app.config)
    assert not report.intact and "bị cắt" in report.problem and f"số {events[2].seq}" in report.problem


def test_a_forged_anchor_is_refused_and_the_cli_reports_it(app, make, db):
    _events_, anchor = anchored_events(app, make)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Mốc neo hợp lệ: 1 mốc" in result.output
    db.session.execute(update(AuditAnchor).where(AuditAnchor.id == anchor.id).values(head_hash="0" * 64))
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "chữ ký không hợp lệ" in result.output


def test_auditors_download_the_events_of_their_agency_only(app, make, login, client):
    own, other = make.agency(), make.agency()
    auditor = make.user(agency=own, roles=("auditor",))
    record("thing_done", actor=make.user(agency=own), subject=own, step="của mình")
    record("thing_done", actor=make.user(agency=other), subject=other, step="của cơ quan khác")
    login(auditor)
    assert "Tải sự kiện (CSV)" in client.get("/kiem-toan").get_data(as_text=True)
    response = client.get(f"/kiem-toan/su-kien.csv?co_quan={other.id}")
    text = response.data.decode("utf-8-sig")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    assert text.startswith("Số,Thời điểm,Sự kiện")
    assert "của mình" in text and "của cơ quan khác" not in text


def test_an_auditor_finds_an_instance_and_reads_its_recorded_history(app, make, db, login, client, deployed):
    from app.workflow.runtime import start_instance

    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",), full_name="Hà Văn Lãnh")
    with app.test_request_context():
        instance = start_instance("assign_work", actor=leader)
    login(make.user(agency=agency, roles=("auditor",)))
    listed = client.get(f"/kiem-toan/ho-so?quy_trinh=assign_work&nguoi={leader.username}").get_data(as_text=True)
    assert f"/kiem-toan/ho-so/{instance.id}" in listed and "Đang chạy" in listed and agency.name in listed
    assert "Không có hồ sơ" in client.get("/kiem-toan/ho-so?trang_thai=cancelled").get_data(as_text=True)
    history = client.get(f"/kiem-toan/ho-so/{instance.id}").get_data(as_text=True)
    assert "Khởi tạo hồ sơ" in history and "Hà Văn Lãnh" in history
