"""The words of the demo letters: place and letterhead lines, body paragraphs, Nơi nhận, directing opinions."""


from app.directory.models import Agency, Department, User

from ..vocabulary import DOCUMENT_TYPES
from .letters import (
    DemoLetter,
)

ADDRESSED_TYPES = ("CV", "TTr", "BC", "GM")  # the types printed with "Kính gửi"


def place_of(agency: Agency) -> str:
    """The place name of the date line: the district's own for a district, else the province's."""
    if agency.kind == "district":
        for prefix in ("Ủy ban nhân dân huyện ", "Ủy ban nhân dân thị xã ", "Ủy ban nhân dân thành phố "):
            if agency.name.startswith(prefix):
                return agency.name.removeprefix(prefix)
    return "Yên Bái"


def parent_line(agency: Agency) -> str | None:
    """The superior agency above the issuer's name in the letterhead (none for People's Committees)."""
    if agency.kind in ("province", "district", "commune") or agency.parent is None:
        return None
    if agency.parent.kind == "province":
        return agency.parent.name.replace("Ủy ban nhân dân", "UBND")
    return agency.parent.name


def paragraphs(letter: DemoLetter, issuer: str, addressee: str, year: int) -> list[str]:
    text = letter.text.format(y=year, n=year + 1)
    if letter.doc_type == "QĐ":
        return [f"Căn cứ chức năng, nhiệm vụ, quyền hạn của {issuer};",
                "Xét đề nghị của các cơ quan, đơn vị có liên quan.", "QUYẾT ĐỊNH:", f"Điều 1. {text}",
                "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                "Điều 3. Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành "
                "Quyết định này./."]
    closing = {
        "KH": ["I. MỤC ĐÍCH, YÊU CẦU",
               "Triển khai kịp thời, đồng bộ, đúng tiến độ; phân công rõ trách nhiệm của từng "
               "cơ quan, đơn vị.",
               "II. NỘI DUNG VÀ TIẾN ĐỘ THỰC HIỆN",
               "Các cơ quan, đơn vị xây dựng kế hoạch chi tiết, tổ chức thực hiện và báo cáo kết quả theo "
               "thời hạn quy định.",
               "III. TỔ CHỨC THỰC HIỆN",
               f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời phản "
               f"ánh về "
               f"{issuer} để được hướng dẫn./."],
        "BC": [f"Trên đây là báo cáo của {issuer}./."],
        "TB": [f"{issuer} thông báo để các cơ quan, đơn vị biết, thực hiện./."],
        "GM": ["Rất mong đại biểu đến dự đúng thời gian./."],
        "HD": ["Các cơ quan, đơn vị căn cứ hướng dẫn này tổ chức thực hiện, bảo đảm đúng thời hạn.",
               f"Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về {issuer} để được "
               "hướng dẫn./."],
        "TTr": [f"{issuer} kính trình {addressee} xem xét, quyết định./."],
    }.get(letter.doc_type, ["Trân trọng./."])
    return [text, *closing]


def recipients(letter: DemoLetter, receivers: list[str]) -> list[str]:
    parts = letter.notation.split("-")
    # "QĐ-UBND": the type, then the issuer. "STC-QLNS": the issuer, then the drafting unit (it keeps a copy).
    keep = "Lưu: VT" if parts[0] in DOCUMENT_TYPES or len(parts) < 2 else f"Lưu: VT, {parts[-1]}"
    if letter.doc_type == "QĐ":
        return ["Như Điều 3", *receivers, keep]
    if letter.doc_type in ADDRESSED_TYPES:
        return ["Như trên", keep]
    return [*receivers, "Các cơ quan, đơn vị có liên quan", keep]


def directing_opinion(lead: Department, supports: list[Department], person: User | None = None) -> str:
    who = f"đồng chí {person.full_name} ({lead.name})" if person else lead.name
    together = f", phối hợp với {', '.join(d.name for d in supports)}" if supports else ""
    return (f"Giao {who} chủ trì{together} nghiên cứu, tham mưu xử lý theo quy định; "
            "báo cáo kết quả trước hạn.")
