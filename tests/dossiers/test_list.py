"""The Danh mục hồ sơ: codes, checks on the server, copying last year's list, retention periods."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.dossiers import services
from app.dossiers.models import Dossier, RetentionPeriod

from .conftest import add_dossier


def _refusal(call) -> dict:
    with pytest.raises(services.DossierRefused) as refused:
        call()
    return refused.value.fields


def test_a_dossier_code_is_agency_code_year_and_notation_and_its_creation_is_audited(app, office, db):
    department, specialist = office.units[0]
    with app.test_request_context():
        dossier = add_dossier(office, "TC.01", department_id=department.id, responsible_id=specialist.id)
    assert dossier.code == "000.00.21.H63.2026.TC.01"
    assert dossier.is_open and not dossier.legal_hold and dossier.closed_at is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "dossier_created")
                               .order_by(AuditEvent.seq.desc())).first()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("dossier", str(dossier.id), office.clerk.id)
    assert event.data["notation"] == "TC.01"


def test_notations_are_unique_per_agency_and_year_only(app, office, make):
    with app.test_request_context():
        add_dossier(office, "TC.01")
        assert "Danh mục năm 2026 đã có" in _refusal(lambda: add_dossier(office, "TC.01"))["notation"]
        assert add_dossier(office, "TC.01", year=2027).code.endswith(".2027.TC.01")
        other_clerk = office.other_clerk
        assert add_dossier(office, "TC.01", actor=other_clerk).agency_id == office.other_agency.id


@pytest.mark.parametrize("notation", ["", "tc 01", "TC..01", ".TC", "TC.01.", "A" * 33, "HỒ.01", "TC;01"])
def test_a_malformed_notation_is_refused_in_vietnamese(app, office, notation):
    with app.test_request_context():
        message = _refusal(lambda: add_dossier(office, notation))["notation"]
    assert "hồ sơ" in message or "Ký hiệu" in message


def test_unit_and_person_must_be_of_the_dossiers_agency(app, office, make):
    foreign_unit = make.department(agency=office.other_agency)
    department, specialist = office.units[0]
    with app.test_request_context():
        errors = _refusal(lambda: add_dossier(office, department_id=foreign_unit.id, responsible_id=office.other_clerk.id))
        assert errors == {"department_id": "Chọn đơn vị của cơ quan.", "responsible_id": "Chọn người của cơ quan."}
        other_units_person = office.units[1][1]
        errors = _refusal(lambda: add_dossier(office, department_id=department.id, responsible_id=other_units_person.id))
        assert "đơn vị khác" in errors["responsible_id"]
        errors = _refusal(lambda: add_dossier(office, retention_id=None, access="toi-mat", title=""))
        assert set(errors) == {"retention_id", "access", "title"}


def test_only_clerks_and_leaders_keep_the_list_and_a_closed_dossier_stays_as_it_is(app, office, db):
    specialist = office.units[0][1]
    with app.test_request_context():
        assert "__form__" in _refusal(lambda: add_dossier(office, actor=specialist))
        dossier = add_dossier(office, actor=office.leader)
        fields = {key: getattr(dossier, key) for key in services.DOSSIER_FIELDS}
        assert "__form__" in _refusal(lambda: services.update_dossier(dossier, actor=office.other_clerk, **fields))
        services.update_dossier(dossier, actor=office.clerk, **{**fields, "title": "Hồ sơ tổ chức bộ máy"})
        assert dossier.title == "Hồ sơ tổ chức bộ máy"
        dossier.status = "closed"
        assert "đã đóng" in _refusal(lambda: services.update_dossier(dossier, actor=office.clerk, **fields))["__form__"]


def test_copying_last_years_list_re_years_the_codes_and_refuses_a_second_run(app, office, db):
    department, specialist = office.units[0]
    retired = office.units[1][0]
    with app.test_request_context():
        first = add_dossier(office, "TC.01", year=2025, department_id=department.id, responsible_id=specialist.id,
                            access="restricted", title="Hồ sơ tuyển dụng công chức")
        add_dossier(office, "CCHC.01", year=2025, department_id=retired.id)
        retired.active = False  # a unit dissolved since: the copy leaves it for the clerk to choose
        copies = services.copy_previous_year(actor=office.clerk, year=2026)
        assert sorted(c.code for c in copies) == ["000.00.21.H63.2026.CCHC.01", "000.00.21.H63.2026.TC.01"]
        copy = next(c for c in copies if c.notation == "TC.01")
        assert (copy.title, copy.department_id, copy.responsible_id, copy.access, copy.copied_from_id) == (
            "Hồ sơ tuyển dụng công chức", department.id, specialist.id, "restricted", first.id)
        assert next(c for c in copies if c.notation == "CCHC.01").department_id is None
        message = _refusal(lambda: services.copy_previous_year(actor=office.clerk, year=2026))["year"]
        assert "đã có hồ sơ cùng ký hiệu (CCHC.01, TC.01)" in message
        assert "chưa có hồ sơ nào" in _refusal(lambda: services.copy_previous_year(actor=office.clerk, year=2030))["year"]
    assert len(db.session.scalars(select(Dossier.id).where(Dossier.agency_id == office.agency.id,
                                                           Dossier.year == 2026)).all()) == 2


def test_a_clash_with_any_notation_refuses_the_whole_copy(app, office, db):
    with app.test_request_context():
        add_dossier(office, "TC.01", year=2025)
        add_dossier(office, "TC.02", year=2025)
        add_dossier(office, "TC.02", year=2026)
        assert "TC.02" in _refusal(lambda: services.copy_previous_year(actor=office.clerk, year=2026))["year"]
    assert db.session.scalars(select(Dossier.notation).where(Dossier.agency_id == office.agency.id,
                                                             Dossier.year == 2026)).all() == ["TC.02"]


def test_retention_periods_are_checked_and_changes_audited(app, office, db, make):
    admin = make.user(roles=("admin",), province_wide=True)
    with app.test_request_context():
        period = services.create_retention_period(actor=admin, name="15 năm", years=15, examples="Hồ sơ dự án nhỏ")
        assert _refusal(lambda: services.create_retention_period(actor=admin, name="15 năm", years=15, examples=""))[
            "name"] == "Đã có thời hạn bảo quản mang tên này."
        assert "200" in _refusal(lambda: services.create_retention_period(actor=admin, name="X", years=900,
                                                                          examples=""))["years"]
        services.update_retention_period(period, actor=admin, name="15 năm", years=15, examples="", active=False)
        assert not period.active
        # An inactive period is not offered for a new dossier.
        assert "retention_id" in _refusal(lambda: add_dossier(office, retention_id=period.id))
    kinds = db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.subject_type == "retention_period",
                                                                   AuditEvent.subject_id == str(period.id))).all()
    assert kinds == ["retention_period_created", "retention_period_updated"]


def test_the_migration_seeds_the_common_retention_periods(tmp_path):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db as database

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                      "SECRET_KEY": "test", "FILES_DIR": str(tmp_path), "PKI_DIR": str(tmp_path),
                      "AUDIT_ANCHOR_LOG": str(tmp_path / "anchors.log")})
    with app.app_context():
        upgrade()
        seeded = {p.name: p.years for p in database.session.scalars(select(RetentionPeriod))}
        database.session.remove()
        database.engine.dispose()
    assert seeded == {"Vĩnh viễn": None, "70 năm": 70, "50 năm": 50, "20 năm": 20, "10 năm": 10, "5 năm": 5}
