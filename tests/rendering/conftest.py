from datetime import date

import pytest

from app.rendering.jinja import environment_renderer


@pytest.fixture(scope="session")
def render():
    """Print templates through the plain Jinja environment: no Flask app, no database."""
    return environment_renderer()


@pytest.fixture
def letter_context():
    return {
        "parent_agency": "Ủy ban nhân dân tỉnh Yên Bái",
        "agency_name": "Sở Nội vụ",
        "number": "12",
        "symbol": "SNV-VP",
        "place": "Yên Bái",
        "issued_on": date(2026, 11, 5),
        "type_name": None,
        "subject": "triển khai hệ thống quản lý văn bản điện tử liên thông",
        "addressees": ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố"],
        "paragraphs": [
            "Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác "
            "văn thư, Sở Nội vụ đề nghị các cơ quan, đơn vị triển khai hệ thống quản lý văn bản điện tử "
            "liên thông trước ngày 31 tháng 12 năm 2026.",
            "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về Sở Nội vụ (qua Văn phòng "
            "Sở) để được hướng dẫn.",
        ],
        "recipients": ["Như trên", "Giám đốc Sở (để b/c)", "Lưu: VT, VP"],
        "authority": "KT. GIÁM ĐỐC",
        "signer_position": "PHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Thị Hằng",
    }
