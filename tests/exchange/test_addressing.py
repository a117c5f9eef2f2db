"""Addressing by mã định danh on a demo-like province: the People's Committee, its Văn phòng, a Sở, a district."""
from types import SimpleNamespace

import pytest

from app.exchange.addressing import RecipientRefused, resolve_recipient
from app.exchange.directory import import_agencies


@pytest.fixture
def province(make):
    # As app/directory/demo/agencies.py numbers them: the Văn phòng is the first department-level body.
    root = make.agency(code="000.00.00.H63", name="Ủy ban nhân dân tỉnh Yên Bái", short_name="UBND", kind="province")
    office = make.agency(code="000.00.01.H63", name="Văn phòng Ủy ban nhân dân tỉnh", short_name="VPUBND",
                         parent_id=root.id)
    home_affairs = make.agency(code="000.00.02.H63", name="Sở Nội vụ", short_name="SNV", parent_id=root.id)
    district = make.agency(code="000.00.22.H63", name="Ủy ban nhân dân thành phố Yên Bái", short_name="UBND",
                           kind="district", parent_id=root.id)
    for agency in (office, home_affairs):
        make.user(agency=agency, roles=("clerk",))
    make.user(agency=root, roles=("leader",))  # the chairman: no clerk of its own
    return SimpleNamespace(root=root, office=office, home_affairs=home_affairs, district=district)


def _refusal(code, **kwargs) -> str:
    with pytest.raises(RecipientRefused) as refused:
        resolve_recipient(code, **kwargs)
    return refused.value.reason


def test_an_agency_with_clerks_receives_its_own_packages(app, province):
    assert resolve_recipient("000.00.02.H63") == province.home_affairs
    assert resolve_recipient(" 000.00.02.h63 ") == province.home_affairs


def test_the_peoples_committee_is_received_by_its_office_by_default(app, province, make):
    assert resolve_recipient("000.00.00.H63") == province.office
    make.user(agency=province.root, roles=("clerk",))  # the demo gives the root a clerk too: still the office
    assert resolve_recipient("000.00.00.H63") == province.office


def test_configured_receiving_agencies_replace_the_default(app, province):
    configured = {"000.00.22.H63": "000.00.01.H63"}
    assert resolve_recipient("000.00.22.H63", configured=configured) == province.office
    # The configuration is the whole mapping: the People's Committee is now addressed as itself.
    assert "không có văn thư" in _refusal("000.00.00.H63", configured=configured)
    assert "không có trong hệ thống" in _refusal("000.00.22.H63", configured={"000.00.22.H63": "000.00.99.H63"})


def test_a_body_without_clerks_and_without_a_receiver_is_refused(app, province):
    reason = _refusal("000.00.22.H63")
    assert reason == ("Ủy ban nhân dân thành phố Yên Bái (000.00.22.H63) không có văn thư tiếp nhận và chưa được "
                      "cấu hình cơ quan nhận thay.")


def test_unknown_and_external_codes_are_refused_unless_the_operator_directs(app, province):
    assert _refusal("000.00.00.G22") == "Mã định danh 000.00.00.G22 không thuộc cơ quan nào trong hệ thống."
    import_agencies(b"ma_dinh_danh,ten\n000.00.00.G22,V\xc4\x83n ph\xc3\xb2ng Ch\xc3\xadnh ph\xe1\xbb\xa7\n", "a.csv")
    assert _refusal("000.00.00.G22") == ("Gói tin gửi Văn phòng Chính phủ (000.00.00.G22), không phải cơ quan "
                                         "trong hệ thống này.")
    assert resolve_recipient("000.00.00.G22", override="000.00.02.H63") == province.home_affairs
    assert _refusal("000.00.00.G22", override="000.00.77.H63") == (
        "Cơ quan được chỉ định 000.00.77.H63 không có trong hệ thống.")
    assert _refusal("") == "Gói tin không ghi mã định danh của cơ quan nhận."


def test_an_inactive_agency_receives_nothing(app, db, province):
    province.home_affairs.active = False
    db.session.flush()
    assert "không thuộc cơ quan nào" in _refusal("000.00.02.H63")


def test_a_young_installation_without_its_office_receives_at_the_committee(app, make):
    root = make.agency(code="000.00.00.H38", name="Ủy ban nhân dân tỉnh Lào Cai", short_name="UBND", kind="province")
    make.user(agency=root, roles=("clerk",))
    assert resolve_recipient("000.00.00.H38") == root
