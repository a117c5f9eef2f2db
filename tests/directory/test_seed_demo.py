"""`flask seed-demo` builds the customer's province: 90 agencies under H63 and 4,129 accounts."""
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.audit.anchors import verify_anchors
from app.audit.models import AuditEvent
from app.demo_cli import DEMO_PASSWORD
from app.directory.demo import FIXED_ACCOUNTS
from app.directory.models import AGENCY_CODE_PATTERN, Agency, User, UserRole
from app.directory.roles import ROLES
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.documents.outgoing.page import recipient_statuses
from app.dossiers.models import CLOSED, Dossier
from app.dossiers.package_verify import verify_package
from app.dossiers.preservation import PreservationCopy
from app.exchange.received import ReceivedPackage
from app.signing.models import SigningCredential
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today

from ..conftest import csrf_token_from


def test_seed_demo_builds_the_province(app, db, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "4129 tài khoản" in result.output
    # Ministries' documents came in as signed edXML packages: the Văn phòng receives for the province.
    assert "Đã nhận 3 văn bản của bộ, ngành qua gói tin edXML" in result.output
    received = db.session.scalars(select(ReceivedPackage).order_by(ReceivedPackage.id)).all()
    assert [p.agency.short_name for p in received] == ["VPUBND", "SNV", "STC"]
    assert {p.signature["verdict"] for p in received} == {"valid"}
    assert [bool(p.warnings) for p in received] == [False, True, False]  # the messy number
    # A letter released to the Government Office (outside): its package waits in the outbox (no axis in the
    # demo) and the Government Office's 01 and 03 are on its timeline.
    sent_out = db.session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.code == "000.00.00.G22")).one()
    [line] = [r for r in recipient_statuses(db.session.get(OutgoingDraft, sent_out.draft_id))
              if r.code == "000.00.00.G22"]
    assert [step.code for step in line.timeline] == ["01", "03"] and line.outbox_state == "pending"

    # The seeded history is anchored at once: it still verifies a day later, with no job having run.
    head = db.session.scalar(select(func.max(AuditEvent.seq)))
    assert f"Đã neo nhật ký kiểm toán đến sự kiện số {head}" in result.output
    with app.test_request_context():
        assert verify_anchors(app.config, now=utcnow() + timedelta(days=1)).intact
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and f"mốc cuối xác nhận đến sự kiện số {head}" in verified.output

    root = db.session.scalars(select(Agency).where(Agency.code == "000.00.00.H63")).one()
    assert root.kind == "province" and root.parent_id is None
    under_root = db.session.scalars(select(Agency).where(Agency.parent_id.is_not(None))).all()
    assert len(under_root) == 90
    assert Counter(a.kind for a in under_root) == {"department": 21, "district": 9, "commune": 42,
                                                   "service_unit": 18}
    assert "Văn phòng Ủy ban nhân dân tỉnh" in {a.name for a in under_root}
    assert all(AGENCY_CODE_PATTERN.match(a.code) for a in under_root)
    assert db.session.scalar(select(func.count(User.id))) == 4129

    roles_per_agency = db.session.execute(
        select(User.agency_id, func.count(func.distinct(UserRole.role))).join(UserRole).group_by(User.agency_id)
    ).all()
    assert len(roles_per_agency) == 91 and all(count == len(ROLES) for _, count in roles_per_agency)

    # The documented accounts log in with the documented password.
    for account in FIXED_ACCOUNTS:
        user = db.session.scalars(select(User).where(User.username == account.username)).one()
        assert account.role in user.roles
    token = csrf_token_from(client.get("/dang-nhap").get_data(as_text=True))
    response = client.post("/dang-nhap", data={"username": "vanthu.ubnd", "password": DEMO_PASSWORD,
                                               "csrf_token": token})
    assert response.status_code == 302
    dashboard = client.get("/").get_data(as_text=True)
    assert "Văn phòng Ủy ban nhân dân tỉnh" in dashboard and "Bản trình diễn (demo)" in dashboard
    snv = db.session.scalars(select(User).where(User.username == "lanhdao.snv")).one()
    assert snv.agency.short_name == "SNV" and "leader" in snv.roles
    assert db.session.scalars(select(User).where(User.username == "quantri")).one().province_wide

    # Sở Nội vụ: two closed dossiers of last year (PDF/A copies made), the first handed over in one package.
    closed = db.session.scalars(select(Dossier).where(Dossier.agency_id == snv.agency_id, Dossier.status == CLOSED)
                                .order_by(Dossier.notation)).all()
    assert len(closed) == 2 and {d.year for d in closed} == {vietnam_today().year - 1}
    assert closed[0].handed_over_at is not None and closed[1].handed_over_at is None
    assert db.session.scalar(select(func.count(PreservationCopy.id)).where(
        PreservationCopy.dossier_id.in_([d.id for d in closed]), PreservationCopy.pdfa_sha256.is_not(None))) == 4
    packages = Path(app.config["FILES_DIR"]) / "goi-nop-luu"
    package = packages / f"{closed[0].handover_package_id}.zip"
    assert f"gói {closed[0].handover_package_id} tại {package}" in result.output
    assert verify_package(package) == []
    kept = sorted(packages.iterdir())

    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "bỏ qua" in again.output
    assert db.session.scalar(select(func.count(User.id))) == 4129
    assert sorted(packages.iterdir()) == kept


def test_create_province_starts_a_real_installation(app, db):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["create-province", "--code", "H63", "--name", "UBND tỉnh", "--admin", "qt",
                              "--admin-name", "Quản Trị", "--password", "Mat-khau-2026"])
    assert bad.exit_code != 0 and "Mã định danh" in bad.output
    result = runner.invoke(args=["create-province", "--code", "000.00.00.h38", "--name", "Ủy ban nhân dân tỉnh Lào Cai",
                                 "--admin", "quantri.lc", "--admin-name", "Lò Văn Quản", "--password", "Mat-khau-2026"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(User).where(User.username == "quantri.lc")).one()
    assert admin.province_wide and admin.roles == {"admin"} and admin.must_change_password
    assert admin.agency.code == "000.00.00.H38" and admin.agency.kind == "province"
    again = runner.invoke(args=["create-province", "--code", "000.00.00.H39", "--name", "X", "--admin", "x2",
                                "--admin-name", "X", "--password", "Mat-khau-2026"])
    assert again.exit_code != 0 and "đã có cơ quan" in again.output


def test_seed_demo_builds_the_peer_province_for_the_exchange_demo(app, db, client):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--province", "laocai"])
    assert result.exit_code == 0, result.output
    assert "Đã tạo tỉnh minh họa Lào Cai: 35 cơ quan" in result.output and "1500 tài khoản" in result.output

    agencies = db.session.scalars(select(Agency).order_by(Agency.id)).all()
    assert agencies[0].code == "000.00.00.H38" and agencies[0].name == "Ủy ban nhân dân tỉnh Lào Cai"
    assert all(a.code.endswith(".H38") and AGENCY_CODE_PATTERN.match(a.code) for a in agencies)
    assert not [a.name for a in agencies if "Yên Bái" in a.name]
    assert Counter(a.kind for a in agencies) == {"province": 1, "department": 8, "district": 4, "commune": 17,
                                                 "service_unit": 5}
    # The Văn phòng keeps code 01 (it receives for the province), Nội vụ 02, as in Yên Bái.
    assert [(a.code, a.short_name) for a in agencies[1:3]] == [("000.00.01.H38", "VPUBND"), ("000.00.02.H38", "SNV")]
    assert db.session.scalar(select(func.count(User.id))) == 1500
    # The same account names and password as Yên Bái's, held by other people; their leaders can sign.
    snv = db.session.scalars(select(User).where(User.username == "lanhdao.snv")).one()
    assert snv.agency.code == "000.00.02.H38" and snv.full_name == "Hoàng Văn Tiến" and "leader" in snv.roles
    keys = db.session.scalars(select(SigningCredential)).all()
    assert snv.id in {key.user_id for key in keys}
    sealed = {key.agency_id for key in keys if key.kind == "organisation"}
    assert {a.short_name for a in agencies if a.id in sealed} == {"VPUBND", "SNV", "STC", "STP"}
    assert not db.session.scalar(select(func.count(Document.id)))  # its documents come through the axis
    token = csrf_token_from(client.get("/dang-nhap").get_data(as_text=True))
    response = client.post("/dang-nhap", data={"username": "vanthu.snv", "password": DEMO_PASSWORD,
                                               "csrf_token": token})
    assert response.status_code == 302
