"""The words of Decree 30 and QCVN 102: document types, urgency, secrecy and status codes."""
from flask_babel import lazy_gettext as _l

# Type code → (name, abbreviation in ký hiệu). A công văn has no type abbreviation.
DOCUMENT_TYPES = {
    "CV": ("Công văn", ""),
    "NQ": ("Nghị quyết", "NQ"), "QĐ": ("Quyết định", "QĐ"), "CT": ("Chỉ thị", "CT"),
    "QC": ("Quy chế", "QC"), "QyĐ": ("Quy định", "QyĐ"), "TC": ("Thông cáo", "TC"),
    "TB": ("Thông báo", "TB"), "HD": ("Hướng dẫn", "HD"), "CTr": ("Chương trình", "CTr"),
    "KH": ("Kế hoạch", "KH"), "PA": ("Phương án", "PA"), "ĐA": ("Đề án", "ĐA"), "DA": ("Dự án", "DA"),
    "BC": ("Báo cáo", "BC"), "BB": ("Biên bản", "BB"), "TTr": ("Tờ trình", "TTr"),
    "HĐ": ("Hợp đồng", "HĐ"), "CĐ": ("Công điện", "CĐ"), "BGN": ("Bản ghi nhớ", "BGN"),
    "BTT": ("Bản thỏa thuận", "BTT"), "GUQ": ("Giấy ủy quyền", "GUQ"), "GM": ("Giấy mời", "GM"),
    "GGT": ("Giấy giới thiệu", "GGT"), "GNP": ("Giấy nghỉ phép", "GNP"), "PG": ("Phiếu gửi", "PG"),
    "PC": ("Phiếu chuyển", "PC"), "PB": ("Phiếu báo", "PB"),
}

URGENCY_LABELS = {0: _l("Thường"), 1: _l("Khẩn"), 2: _l("Thượng khẩn"), 3: _l("Hỏa tốc")}
SECRECY_LABELS = {0: _l("Thường"), 1: _l("Mật"), 2: _l("Tối mật"), 3: _l("Tuyệt mật")}

STATUS_LABELS = {
    "01": _l("Đã đến"), "02": _l("Từ chối tiếp nhận"), "03": _l("Đã tiếp nhận"), "04": _l("Phân công"),
    "05": _l("Đang xử lý"), "06": _l("Hoàn thành"), "13": _l("Lấy lại"), "15": _l("Đồng ý lấy lại / cập nhật"),
    "16": _l("Từ chối lấy lại / cập nhật"),
}

# Where an outgoing draft stands (app.documents.outgoing.models.STAGES).
STAGE_LABELS = {"drafting": _l("Đang soạn / sửa dự thảo"), "content_review": _l("Chờ duyệt nội dung"),
                "format_check": _l("Chờ kiểm tra thể thức"), "signing": _l("Chờ ký số"),
                "issuing": _l("Chờ cấp số, phát hành"), "released": _l("Đã phát hành"), "recalled": _l("Đã thu hồi"),
                "replaced": _l("Đã được thay thế"), "discarded": _l("Đã hủy dự thảo")}

# Related documents (DocumentLink.kind) as the document page names them.
LINK_LABELS = {"reply": _l("Văn bản trả lời"), "replaces": _l("Thay thế văn bản"),
               "replaced_by": _l("Được thay thế bởi")}

NOTE_LABELS = {"direction": _l("Ý kiến chỉ đạo"), "progress": _l("Tiến độ xử lý"),
               "contribution": _l("Ý kiến phối hợp"), "result": _l("Kết quả xử lý"), "deadline": _l("Hạn xử lý"),
               "review": _l("Ý kiến duyệt"), "return": _l("Trả lại dự thảo"), "recall": _l("Thu hồi"),
               "update": _l("Cập nhật"), "reminder": _l("Đôn đốc")}


def note_label(kind: str) -> str:
    return str(NOTE_LABELS.get(kind, kind))


def type_name(code: str) -> str:
    return DOCUMENT_TYPES.get(code, (code, ""))[0]
