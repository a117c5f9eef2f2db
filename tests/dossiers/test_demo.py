"""The demo's dossiers: last year's list copied into this year, handled documents filed by the clerk."""
from sqlalchemy import select

from app.dossiers.demo import seed_demo_dossiers
from app.dossiers.filing import dossiers_of
from app.dossiers.models import Dossier, RetentionPeriod
from app.vietnam_time import vietnam_today


def test_demo_lists_and_filed_documents(app, db, office, document):
    # The migration's periods, whether or not a test emptied the table before (the demo makes them again).
    handler = office.units[1][1]
    handled = document(office.agency, lead_user=handler)
    handled.lead_department_id = office.units[1][0].id
    secret = document(office.agency, secrecy=1, clerk=office.clerk)
    document(office.agency, status="05")  # not handled: left alone
    with app.test_request_context():
        summary = seed_demo_dossiers()
    year = vietnam_today().year
    codes = db.session.scalars(select(Dossier.notation).where(Dossier.agency_id == office.agency.id,
                                                              Dossier.year == year)).all()
    assert sorted(codes) == ["CCHC.01", "CCHC.02", "TC.01", "TC.02"]
    assert (summary.agencies, summary.dossiers, summary.filed) == (1, 8, 2)
    assert [(d.notation, d.year, position) for d, position in dossiers_of(handled)] == [("CCHC.01", year, 1)]
    assert [(d.notation, position) for d, position in dossiers_of(secret)] == [("TC.01", 1)]
    kept = {d.retention.name for d in db.session.scalars(select(Dossier).where(Dossier.agency_id == office.agency.id))}
    assert kept == {"10 năm", "Vĩnh viễn"}
    assert db.session.scalar(select(RetentionPeriod.years).where(RetentionPeriod.name == "Vĩnh viễn")) is None


def test_demo_hand_over_closes_last_years_dossiers_and_packages_one(app, db, office, document):
    from app.dossiers.demo import packages_dir, seed_demo_handover
    from app.dossiers.models import CLOSED
    from app.dossiers.package_verify import verify_package

    from .test_package import _give_key

    _give_key(app, office.agency)  # the demo's outgoing letters give Sở Nội vụ its seal key
    document(office.agency, lead_user=office.units[0][1])
    with app.test_request_context():
        seed_demo_dossiers()
        handover = seed_demo_handover(app.config)
    closed = db.session.scalars(select(Dossier).where(Dossier.agency_id == office.agency.id,
                                                      Dossier.status == CLOSED).order_by(Dossier.notation)).all()
    assert [(d.notation, d.year) for d in closed] == [("CCHC.02", vietnam_today().year - 1),
                                                       ("TC.02", vietnam_today().year - 1)]
    assert closed[0].handover_package_id == handover.package_id and closed[1].handed_over_at is None
    assert handover.path.parent == packages_dir(app.config) and verify_package(handover.path) == []
    with app.test_request_context():
        assert seed_demo_handover(app.config) is None  # once only
    handover.path.unlink()
