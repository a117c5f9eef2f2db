"""Export → import: every field of the package comes back equal."""
from datetime import timezone

from app.exchange.edxml import (
    Bussiness,
    ReplacementInfo,
    build_package,
    build_status,
    parse_any,
    parse_package,
    parse_status,
)

from .samples import full_package, full_status


def test_every_field_of_a_document_package_survives_the_round_trip():
    package = full_package()
    parsed = parse_package(build_package(package))
    assert parsed.warnings == []
    assert parsed.package == package
    assert parsed.package.attachments[1].name == "Phụ lục I.docx"


def test_a_replacement_and_a_recall_survive_the_round_trip():
    package = full_package()
    package.bussiness = Bussiness(3, "Thay thế văn bản ban hành sai", document_id=package.document_id,
                                  replacements=[ReplacementInfo("000.00.00.H63,2026/03/01,120/UBND-VP", [])])
    assert parse_package(build_package(package)).package == package
    package.bussiness = Bussiness(1, "Thu hồi do nhầm nơi nhận", document_id=package.document_id)
    assert parse_package(build_package(package)).package == package


def test_a_minimal_package_round_trips_with_its_optional_parts_absent():
    package = full_package()
    package.to, package.signer, package.other_info, package.bussiness = [], None, None, None
    package.to_places, package.response_for, package.trace_headers = [], [], []
    package.due_date = package.steering_type = package.subject = package.content = None
    assert parse_package(build_package(package)).package == package


def test_timestamps_in_another_zone_come_back_as_the_same_moment():
    package = full_package()
    package.trace_headers[0].timestamp = package.trace_headers[0].timestamp.astimezone(timezone.utc)
    assert parse_package(build_package(package)).package.trace_headers == package.trace_headers


def test_every_status_code_round_trips():
    for code in ("01", "02", "03", "04", "05", "06", "13", "15", "16"):
        status = full_status(code, "Lý do: sai nơi nhận")
        parsed = parse_status(build_status(status))
        assert parsed.warnings == []
        assert parsed.package == status
    assert parse_any(build_status(full_status())).package == full_status()


def test_document_id_has_the_cross_system_form():
    from datetime import date

    from app.exchange.edxml import document_id

    assert document_id("000.00.00.G22", date(2015, 9, 30), 7816, "VPCP-TTĐT") == \
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert document_id("000.00.00.G22", None, None, "VPCP") == "000.00.00.G22,,VPCP"
