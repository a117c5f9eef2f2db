"""External agencies: CSV/JSON import with warnings, idempotent upsert, sync from the axis' list."""
import json

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.exchange.agency_cli import agencies_import_command
from app.exchange.directory import ExternalAgency, import_agencies, sync_agencies

CSV = """ma_dinh_danh,ten,ma_cap_tren,hoat_dong
000.00.00.G22,Văn phòng Chính phủ,,1
 000.00.00.g03 ,Bộ Nội vụ,,
000.00.00.H26,Ủy ban nhân dân thành phố Hà Nội,,1
BNV-VT,Văn thư Bộ Nội vụ,000.00.00.G03,0
,Không có mã,,
""".encode()


def _agencies(db) -> dict[str, ExternalAgency]:
    return {agency.code: agency for agency in db.session.scalars(select(ExternalAgency))}


def test_csv_import_keeps_malformed_codes_with_a_warning_and_reports_bad_rows(db):
    summary = import_agencies(CSV, "co-quan.csv")
    agencies = _agencies(db)
    assert sorted(agencies) == ["000.00.00.G03", "000.00.00.G22", "000.00.00.H26", "BNV-VT"]
    assert agencies["000.00.00.G03"].name == "Bộ Nội vụ" and agencies["000.00.00.G03"].active
    assert agencies["BNV-VT"].parent_code == "000.00.00.G03" and not agencies["BNV-VT"].active
    assert agencies["BNV-VT"].source == "csv"
    assert (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    assert summary.warnings == ["Dòng 5: mã BNV-VT không đúng dạng ccc.cc.cc.Lnn; vẫn được lưu."]
    assert summary.errors == ["Dòng 6: thiếu mã định danh hoặc tên cơ quan."]


def test_importing_the_same_file_twice_changes_nothing(db):
    import_agencies(CSV, "co-quan.csv")
    stamps = {code: agency.updated_at for code, agency in _agencies(db).items()}
    events = db.session.query(AuditEvent).count()
    again = import_agencies(CSV, "co-quan.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert {code: agency.updated_at for code, agency in _agencies(db).items()} == stamps
    assert db.session.query(AuditEvent).count() == events  # nothing changed, nothing audited


def test_json_import_updates_a_changed_name(db):
    import_agencies(CSV, "co-quan.csv")
    data = json.dumps({"agencies": [{"code": "000.00.00.G22", "name": "Văn phòng Chính phủ (mới)"}]}).encode()
    summary = import_agencies(data, "co-quan.json")
    assert (summary.created, summary.updated) == (0, 1)
    assert _agencies(db)["000.00.00.G22"].name == "Văn phòng Chính phủ (mới)"
    assert _agencies(db)["000.00.00.G22"].source == "json"


def test_unreadable_files_are_refused_with_a_reason(db):
    assert import_agencies(b"\xff\xfe\x00", "x.csv").errors == ["Tệp không phải văn bản UTF-8."]
    assert import_agencies(b"{not json", "x.json").errors == ["Tệp JSON không đọc được."]
    assert import_agencies(b'{"a": 1}', "x.json").errors == ["Tệp JSON phải là một danh sách cơ quan."]
    assert _agencies(db) == {}


def test_sync_upserts_the_axis_list_and_deactivates_what_it_no_longer_lists(db):
    axis = [{"id": "1", "code": "000.00.00.G22", "name": "Văn phòng Chính phủ", "pcode": ""},
            {"id": "2", "code": "000.00.00.G03", "name": "Bộ Nội vụ", "pcode": ""}]
    first = sync_agencies(lambda: axis)
    assert (first.created, first.deactivated) == (2, 0)
    second = sync_agencies(lambda: axis[:1])
    assert (second.unchanged, second.deactivated) == (1, 1)
    assert not _agencies(db)["000.00.00.G03"].active
    empty = sync_agencies(lambda: [])
    assert empty.errors and _agencies(db)["000.00.00.G22"].active  # an empty answer changes nothing


def test_agencies_import_command(app, db, tmp_path):
    path = tmp_path / "co-quan.csv"
    path.write_bytes(CSV)
    result = app.test_cli_runner().invoke(agencies_import_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã thêm 4, cập nhật 0, giữ nguyên 0 cơ quan." in result.output
    assert "Cảnh báo: Dòng 5" in result.output
    assert len(_agencies(db)) == 4
    bad = tmp_path / "hong.json"
    bad.write_bytes(b"{")
    assert app.test_cli_runner().invoke(agencies_import_command, [str(bad)]).exit_code == 1


def test_contact_details_come_from_csv_and_json_and_an_axis_list_without_them_keeps_them(db):
    csv_file = ("ma_dinh_danh,ten,dia_chi,thu_dien_tu,dien_thoai,website\n"
                "000.00.00.G22,Văn phòng Chính phủ,1 Hoàng Hoa Thám  Ba Đình,vpcp@chinhphu.vn,080 43162,"
                "https://vpcp.chinhphu.vn\n").encode()
    assert import_agencies(csv_file, "co-quan.csv").created == 1
    office = _agencies(db)["000.00.00.G22"]
    assert (office.address, office.email, office.phone, office.website) == (
        "1 Hoàng Hoa Thám Ba Đình", "vpcp@chinhphu.vn", "080 43162", "https://vpcp.chinhphu.vn")
    data = json.dumps([{"code": "000.00.00.G22", "name": "Văn phòng Chính phủ", "telephone": "080 40000"},
                       {"code": "000.00.00.G03", "name": "Bộ Nội vụ", "address": "8 Tôn Thất Thuyết",
                        "email": "vanthu@moha.gov.vn"}]).encode()
    summary = import_agencies(data, "co-quan.json")
    assert (summary.created, summary.updated) == (1, 1)
    agencies = _agencies(db)
    assert (agencies["000.00.00.G22"].phone, agencies["000.00.00.G22"].address) == ("080 40000",
                                                                                   "1 Hoàng Hoa Thám Ba Đình")
    assert (agencies["000.00.00.G03"].address, agencies["000.00.00.G03"].email) == ("8 Tôn Thất Thuyết",
                                                                                   "vanthu@moha.gov.vn")
    synced = sync_agencies(lambda: [{"code": "000.00.00.G22", "name": "Văn phòng Chính phủ"}])
    assert synced.unchanged == 1 and _agencies(db)["000.00.00.G22"].email == "vpcp@chinhphu.vn"
