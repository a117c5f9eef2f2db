"""Generated incoming documents for bench/incoming.py: varied Vietnamese subjects, issuers and notations."""
import random

# --- Vietnamese documents ------------------------------------------------------------------------

ISSUERS = [  # (name, code): a code for agencies of the province, none for outside ones
    ("UBND huyện Văn Yên", "000.00.11.H62"), ("UBND huyện Trấn Yên", "000.00.12.H62"),
    ("UBND huyện Lục Yên", "000.00.13.H62"), ("UBND huyện Yên Bình", "000.00.14.H62"),
    ("UBND huyện Văn Chấn", "000.00.15.H62"), ("UBND huyện Trạm Tấu", "000.00.16.H62"),
    ("UBND huyện Mù Cang Chải", "000.00.17.H62"), ("UBND thị xã Nghĩa Lộ", "000.00.18.H62"),
    ("UBND thành phố Yên Bái", "000.00.19.H62"), ("Văn phòng UBND tỉnh", "000.00.01.H62"),
    ("Sở Tài chính", "000.00.21.H62"), ("Sở Kế hoạch và Đầu tư", "000.00.22.H62"),
    ("Sở Nội vụ", "000.00.23.H62"), ("Sở Y tế", "000.00.24.H62"), ("Sở Giáo dục và Đào tạo", "000.00.25.H62"),
    ("Sở Tài nguyên và Môi trường", "000.00.26.H62"), ("Sở Nông nghiệp và Phát triển nông thôn", "000.00.27.H62"),
    ("Sở Giao thông vận tải", "000.00.28.H62"), ("Sở Xây dựng", "000.00.29.H62"), ("Sở Tư pháp", "000.00.30.H62"),
    ("Sở Thông tin và Truyền thông", "000.00.31.H62"), ("Sở Lao động - Thương binh và Xã hội", "000.00.32.H62"),
    ("Sở Văn hóa, Thể thao và Du lịch", "000.00.33.H62"), ("Công an tỉnh", "000.00.34.H62"),
    ("Bảo hiểm xã hội tỉnh", "000.00.35.H62"), ("Kho bạc Nhà nước tỉnh", "000.00.36.H62"),
    ("Cục Thuế tỉnh", "000.00.37.H62"), ("Ban Tuyên giáo Tỉnh ủy", ""), ("Văn phòng Tỉnh ủy", ""),
    ("Bộ Nội vụ", ""), ("Bộ Tài chính", ""), ("Bộ Kế hoạch và Đầu tư", ""), ("Văn phòng Chính phủ", ""),
    ("Bộ Thông tin và Truyền thông", ""), ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", ""),
    ("Hội Nông dân tỉnh", ""), ("Liên đoàn Lao động tỉnh", ""), ("Tỉnh đoàn", ""),
]
NOTATIONS = {  # doc type → notations seen with it (the issuer's abbreviation after the type)
    "CV": ["UBND-VP", "UBND-NC", "UBND-KT", "STC-QLNS", "SNV-TCBC", "SYT-NVY", "SGDĐT-GDTrH", "VP-TH"],
    "QĐ": ["QĐ-UBND", "QĐ-STC", "QĐ-SNV", "QĐ-SYT", "QĐ-CT"], "BC": ["BC-UBND", "BC-SNV", "BC-STC", "BC-SKHĐT"],
    "KH": ["KH-UBND", "KH-SYT", "KH-SGDĐT"], "TB": ["TB-UBND", "TB-VP", "TB-SNV"], "TTr": ["TTr-STC", "TTr-SNV"],
    "GM": ["GM-UBND", "GM-VP"], "HD": ["HD-SNV", "HD-STC"], "CĐ": ["CĐ-UBND"], "NQ": ["NQ-HĐND"],
}
TYPE_WEIGHTS = {"CV": 40, "QĐ": 14, "BC": 12, "KH": 8, "TB": 8, "TTr": 4, "GM": 7, "HD": 3, "CĐ": 2, "NQ": 2}
ACTIONS = ["triển khai", "tăng cường", "hướng dẫn", "đôn đốc", "tổng hợp", "rà soát", "kiểm tra", "phê duyệt",
           "điều chỉnh", "bổ sung", "thực hiện", "góp ý dự thảo", "tổ chức", "đẩy mạnh", "chấn chỉnh", "báo cáo"]
TOPICS = ["công tác cải cách hành chính", "phòng, chống thiên tai và tìm kiếm cứu nạn", "chuyển đổi số",
          "quản lý đất đai", "xây dựng nông thôn mới", "tiêm chủng mở rộng", "bảo đảm trật tự an toàn giao thông",
          "phòng cháy, chữa cháy", "giải ngân vốn đầu tư công", "thu ngân sách nhà nước", "bảo hiểm xã hội tự nguyện",
          "tuyển dụng viên chức", "thi đua, khen thưởng", "phòng, chống dịch tả lợn châu Phi",
          "quy hoạch sử dụng đất", "cấp giấy chứng nhận quyền sử dụng đất", "bảo vệ môi trường",
          "giảm nghèo bền vững", "phổ biến, giáo dục pháp luật", "kiểm soát thủ tục hành chính",
          "văn hóa công sở", "an toàn thực phẩm", "dịch vụ công trực tuyến", "sắp xếp đơn vị hành chính cấp xã",
          "tinh giản biên chế", "quản lý giá", "phòng, chống tham nhũng, tiêu cực", "tiếp công dân",
          "giải quyết khiếu nại, tố cáo", "trồng rừng thay thế", "kiên cố hóa kênh mương", "đào tạo nghề cho lao động nông thôn"]
PLACES = ["trên địa bàn tỉnh", "trên địa bàn huyện Văn Yên", "tại thị xã Nghĩa Lộ", "tại các xã vùng cao",
          "trên địa bàn thành phố Yên Bái", "tại huyện Mù Cang Chải", "ở các cơ quan, đơn vị", "toàn ngành"]
COMMUNES = ["Khau Phạ", "Púng Luông", "Nậm Búng", "Mồ Dề", "Khao Mang", "Lao Chải", "Chế Cu Nha", "Kim Nọi",
            "Dế Xu Phình", "Nậm Khắt", "Cao Phạ", "Nậm Có", "Hồ Bốn", "Chế Tạo", "Làng Nhì", "Bản Công",
            "Xà Hồ", "Pá Lau", "Phình Hồ", "Túc Đán", "Sơn Lương", "Nghĩa Sơn", "Suối Giàng", "Sùng Đô",
            "An Lương", "Mỏ Vàng", "Đại Sơn", "Nà Hẩu", "Phong Dụ Thượng", "Xuân Tầm", "Lâm Giang", "Châu Quế Hạ"]
PERIODS = ["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu năm", "9 tháng", "năm", "tháng 10"]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Vũ Thị Hà",
           "Đỗ Văn Hùng", "Bùi Thị Lan", "Đặng Văn Minh", "Ngô Thị Nga", "Dương Văn Phúc", "Lý Thị Quyên"]
# Rare: each in ~20 of 200,000 documents.
RARE = ["Hồ Chuối", "cầu treo Bản Hốc", "đường nối Nghĩa Lộ – Sơn La", "Thác Bà", "chè Suối Giàng cổ thụ",
        "ruộng bậc thang La Pán Tẩn", "xoài Yên Hưng", "nhà máy xi măng Yên Bình", "quế Văn Yên hữu cơ",
        "hồ Khe Chung", "bưởi Đại Minh", "trại giống Âu Lâu", "đèo Khau Cọ", "bến phà Hợp Minh",
        "gò đồi Thác Hoa", "sâm Ngọc Linh giống", "làng nghề mây tre đan Việt Cường", "lễ hội Đền Đông Cuông",
        "cây sơn tra Tà Xi Láng", "suối khoáng Bản Bon"]


def random_document(rng: random.Random, year: int) -> dict:
    """Metadata of one incoming document as a clerk would type it."""
    doc_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    issuer, issuer_code = rng.choice(ISSUERS)
    if rng.random() < 0.15:
        issuer_code = ""  # typed by name only
    kind = {"QĐ": "Quyết định về việc", "BC": "Báo cáo", "KH": "Kế hoạch", "TB": "Thông báo",
            "TTr": "Tờ trình về việc", "GM": "Giấy mời họp về", "HD": "Hướng dẫn", "CĐ": "Công điện về việc",
            "NQ": "Nghị quyết về"}.get(doc_type, "V/v")
    subject = f"{kind} {rng.choice(ACTIONS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}"
    if doc_type in ("BC", "KH") or rng.random() < 0.2:
        subject += f" {rng.choice(PERIODS)} năm {year}"
    if rng.random() < 0.2:
        subject += f", xã {rng.choice(COMMUNES)}"
    if rng.random() < 0.001:
        subject += f" ({rng.choice(RARE)})"
    return {"doc_type": doc_type, "number": str(rng.randint(1, 2500)), "notation": rng.choice(NOTATIONS[doc_type]),
            "issuer_code": "", "issuer_name": issuer, "subject": subject,
            "signer_name": rng.choice(SIGNERS), "issuer_code_kept": issuer_code,
            "urgency": rng.choices((0, 1, 2, 3), weights=(85, 10, 4, 1))[0],
            "secrecy": rng.choices((0, 1, 2, 3), weights=(990, 7, 2, 1))[0]}
