"""The demo letters: who sends what to whom, and how far each copy has got (data only)."""
from datetime import time as clock_time
from typing import NamedTuple

# Receiving agencies: their codes in the demo province (app/directory/demo/agencies.py).
SNV, VPUBND, STC, TP_YEN_BAI = "000.00.02.H63", "000.00.01.H63", "000.00.03.H63", "000.00.22.H63"
# Agencies of the installation that deliver letters.
UBND_TINH, SKHDT, SYT = "000.00.00.H63", "000.00.04.H63", "000.00.16.H63"
VAN_YEN, TRAN_YEN = "000.00.25.H63", "000.00.27.H63"


class Issuer(NamedTuple):
    """A letter's sender as printed on it (EXTERNAL_ISSUERS: those outside the installation, on paper)."""

    code: str  # mã định danh, "" when unknown
    name: str
    place: str
    authority: str | None
    signer_position: str
    signer_name: str  # invented: demo letters carry no real official's name
    parent: str | None = None


# Level-1 codes of ministries as Decision 09/2025/QĐ-TTg lists them (G09 Bộ Nội vụ, G12 Bộ Tài chính,
# G15 Bộ Tư pháp, G22 Văn phòng Chính phủ). The provincial police's code is left blank.
EXTERNAL_ISSUERS = {
    "BNV": Issuer("000.00.00.G09", "Bộ Nội vụ", "Hà Nội", "KT. Bộ trưởng", "Thứ trưởng", "Nguyễn Minh Khôi"),
    "BTC": Issuer("000.00.00.G12", "Bộ Tài chính", "Hà Nội", "KT. Bộ trưởng", "Thứ trưởng", "Đỗ Thanh Bình"),
    "BTP": Issuer("000.00.00.G15", "Bộ Tư pháp", "Hà Nội", "KT. Bộ trưởng", "Thứ trưởng", "Lê Quang Vinh"),
    "VPCP": Issuer("000.00.00.G22", "Văn phòng Chính phủ", "Hà Nội", "KT. Bộ trưởng, Chủ nhiệm",
                   "Phó Chủ nhiệm", "Trần Văn Lộc"),
    "CAT": Issuer("", "Công an tỉnh Yên Bái", "Yên Bái", None, "Giám đốc", "Hoàng Văn Sơn", "Bộ Công an"),
}

# Where a document's life stops. "arrived" waits at Tiếp nhận (deliveries) or Vào sổ (paper).
STAGES = ("arrived", "refused", "registered", "assigned", "in_progress", "overdue", "completed")


class Receipt(NamedTuple):
    """One agency's copy of a letter, and how far it has gone there."""

    to: str  # code of the receiving agency
    stage: str  # one of STAGES
    lead: str = ""  # abbreviation of the lead department
    supports: tuple[str, ...] = ()
    due: int = 5  # open documents: deadline in working days from today
    contributed: bool = True  # whether the supporting units have answered yet
    route: str = "leader"  # "unit": the clerk sends it straight to the lead department
    reply: str = ""  # số/ký hiệu of the reply, for completed documents
    outcome: str = ""  # the specialist's closing note when there is no reply
    refusal: str = ""


class DemoLetter(NamedTuple):
    """A letter as its sender issued it, and the agencies of the demo that received it."""

    issuer: str  # an agency code of the installation (delivered, signed) or a key of EXTERNAL_ISSUERS (paper)
    doc_type: str
    number: str
    notation: str
    subject: str  # trích yếu, "{y}" and "{n}" being this year and the next; công văn without "V/v"
    text: str  # the letter's own paragraph
    days: int  # working days ago it arrived
    receipts: tuple[Receipt, ...]
    urgency: int = 0
    secrecy: int = 0
    signature: str = "seal"  # deliveries: seal | signer (the head, then the seal) | untrusted | tampered
    addressees: tuple[str, ...] = ()  # "Kính gửi" of CV, TTr, BC, GM; default: the receiving agency


# Addressees of letters sent to many at once.
ALL_PROVINCES = "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
ALL_HOME_AFFAIRS = "Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương"
ALL_FINANCE = "Sở Tài chính các tỉnh, thành phố trực thuộc Trung ương"
PROVINCE = "Ủy ban nhân dân tỉnh"  # letters to the province's leadership, handled by its office (VPUBND)
DEPARTMENTS_AND_DISTRICTS = ("Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố")

LETTERS = (
    # Sở Nội vụ: the README's demo clerk, leader, unit head and specialist work here.
    DemoLetter(
        STC, "CV", "2841", "STC-QLNS",
        "đề nghị cung cấp số liệu biên chế, quỹ tiền lương năm {y} để lập dự toán ngân sách năm {n}",
        "Để có cơ sở xây dựng dự toán ngân sách nhà nước năm {n}, Sở Tài chính đề nghị Sở Nội vụ cung cấp số "
        "liệu biên chế công chức, số lượng người làm việc được giao và quỹ tiền lương năm {y} của các cơ "
        "quan, đơn vị thuộc tỉnh theo biểu mẫu gửi kèm, gửi về Sở Tài chính trong thời hạn 07 ngày làm việc "
        "kể từ ngày nhận được văn bản này.",
        0, (Receipt(SNV, "arrived"),), urgency=1, signature="signer"),
    DemoLetter(
        TRAN_YEN, "CV", "1562", "UBND-NV",
        "đề nghị thẩm định phương án sắp xếp, sáp nhập thôn, tổ dân phố trên địa bàn huyện",
        "Thực hiện chủ trương sắp xếp thôn, tổ dân phố chưa đủ tiêu chuẩn, Ủy ban nhân dân huyện Trấn Yên đã "
        "xây dựng phương án sáp nhập 14 thôn thành 07 thôn mới (hồ sơ gửi kèm). Đề nghị Sở Nội vụ thẩm định, "
        "trình Ủy ban nhân dân tỉnh xem xét, quyết định.",
        0, (Receipt(SNV, "arrived"),), signature="untrusted"),
    DemoLetter(
        "BNV", "CV", "7215", "BNV-CCVC",
        "hướng dẫn đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm {y}",
        "Để việc đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm {y} bảo đảm thực chất, đúng "
        "quy định, Bộ Nội vụ đề nghị Sở Nội vụ các tỉnh, thành phố hướng dẫn các cơ quan, đơn vị tổ chức "
        "đánh giá, xếp loại gắn với kết quả thực hiện nhiệm vụ được giao; tổng hợp kết quả gửi Bộ Nội vụ "
        "trước ngày 31 tháng 01 năm {n}.",
        0, (Receipt(SNV, "arrived"),), addressees=(ALL_HOME_AFFAIRS,)),
    DemoLetter(
        VAN_YEN, "BC", "418", "BC-UBND", "Kết quả thực hiện công tác cải cách hành chính năm {y}",
        "Thực hiện Kế hoạch cải cách hành chính năm {y} của Ủy ban nhân dân tỉnh, Ủy ban nhân dân huyện Văn "
        "Yên đã hoàn thành 28/30 nhiệm vụ đề ra; tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt "
        "98,6%; 100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình.",
        1, (Receipt(SNV, "refused", refusal="Chữ ký số trên văn bản không hợp lệ: nội dung tệp đã bị thay "
                    "đổi sau khi ký. Đề nghị Ủy ban nhân dân huyện Văn Yên ký số và gửi lại văn bản."),),
        signature="tampered"),
    DemoLetter(
        UBND_TINH, "QĐ", "2315", "QĐ-UBND", "Phê duyệt chỉ tiêu tuyển dụng công chức tỉnh Yên Bái năm {n}",
        "Phê duyệt chỉ tiêu tuyển dụng công chức năm {n} của các cơ quan hành chính tỉnh Yên Bái là 126 chỉ "
        "tiêu (chi tiết tại Phụ lục kèm theo). Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị có "
        "liên quan tổ chức tuyển dụng theo đúng quy định.",
        1, (Receipt(SNV, "registered"),), signature="signer"),
    DemoLetter(
        "BNV", "HD", "25", "HD-BNV", "Thực hiện chế độ báo cáo thống kê ngành Nội vụ năm {y}",
        "Bộ Nội vụ hướng dẫn các bộ, ngành, địa phương thực hiện chế độ báo cáo thống kê ngành Nội vụ năm "
        "{y} theo hệ thống biểu mẫu ban hành kèm theo; số liệu tính đến ngày 31 tháng 12 năm {y}.",
        1, (Receipt(SNV, "registered"),), urgency=2),
    DemoLetter(
        "CAT", "CV", "985", "CAT-PA03", "kết quả thẩm tra, xác minh lý lịch nhân sự dự kiến bổ nhiệm",
        "Theo đề nghị của Sở Nội vụ, Công an tỉnh đã thẩm tra, xác minh lý lịch đối với 03 nhân sự dự kiến "
        "bổ nhiệm chức vụ lãnh đạo cấp phòng. Kết quả thẩm tra chi tiết tại phụ lục gửi kèm.",
        2, (Receipt(SNV, "registered"),), secrecy=1),
    DemoLetter(
        VPUBND, "TB", "412", "TB-VPUBND",
        "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp đánh giá công tác cải cách hành chính",
        "Chủ tịch Ủy ban nhân dân tỉnh kết luận: yêu cầu các sở, ban, ngành và Ủy ban nhân dân các huyện, "
        "thị xã, thành phố khắc phục ngay tình trạng hồ sơ thủ tục hành chính giải quyết quá hạn; giao Sở "
        "Nội vụ chủ trì theo dõi, đôn đốc và báo cáo kết quả trong quý tới.",
        6, (Receipt(SNV, "assigned", lead="CCHC", supports=("VP",), due=7),
            Receipt(STC, "completed", lead="VP", outcome="Đã quán triệt đến các phòng; rà soát, không có hồ "
                    "sơ quá hạn thuộc thẩm quyền của Sở."),
            Receipt(TP_YEN_BAI, "in_progress", lead="NV", due=6))),
    DemoLetter(
        SKHDT, "GM", "156", "GM-SKHĐT", "Hội nghị góp ý dự thảo Kế hoạch phát triển kinh tế - xã hội năm {n}",
        "Sở Kế hoạch và Đầu tư tổ chức Hội nghị góp ý dự thảo Kế hoạch phát triển kinh tế - xã hội năm {n}. "
        "Trân trọng kính mời đại diện lãnh đạo các sở tham dự. Thời gian: 08 giờ 00, thứ Hai tuần tới. Địa "
        "điểm: Hội trường Sở Kế hoạch và Đầu tư.",
        4, (Receipt(SNV, "assigned", lead="VP", due=2),
            Receipt(STC, "completed", lead="KHTC",
                    outcome="Đã báo cáo lãnh đạo Sở; cử Phó Giám đốc dự hội nghị.")),
        urgency=1, addressees=("Sở Nội vụ", "Sở Tài chính")),
    DemoLetter(
        "BNV", "CV", "7302", "BNV-TCBC", "báo cáo kết quả thực hiện tinh giản biên chế năm {y}",
        "Để tổng hợp báo cáo Chính phủ, Bộ Nội vụ đề nghị Sở Nội vụ các tỉnh, thành phố báo cáo kết quả thực "
        "hiện tinh giản biên chế năm {y}, kèm danh sách đối tượng đã giải quyết chính sách, gửi về Bộ Nội vụ "
        "trước ngày 15 tháng 01 năm {n}.",
        4, (Receipt(SNV, "assigned", lead="CCVC", due=8),), addressees=(ALL_HOME_AFFAIRS,)),
    DemoLetter(
        UBND_TINH, "KH", "245", "KH-UBND", "Kiểm tra công tác văn thư, lưu trữ năm {n}",
        "Nhằm đánh giá việc chấp hành quy định của pháp luật về công tác văn thư, lưu trữ và quản lý văn bản "
        "điện tử của các cơ quan, đơn vị trên địa bàn tỉnh, Ủy ban nhân dân tỉnh ban hành Kế hoạch kiểm tra "
        "năm {n} như sau.",
        6, (Receipt(SNV, "in_progress", lead="VP", supports=("TCCB",), due=6),), signature="signer"),
    DemoLetter(
        VPUBND, "CV", "3876", "VPUBND-TH",
        "đề nghị góp ý dự thảo Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ 2026 - 2031",
        "Văn phòng Ủy ban nhân dân tỉnh gửi kèm dự thảo Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ "
        "2026 - 2031, đề nghị Sở Nội vụ nghiên cứu, góp ý bằng văn bản, gửi về Văn phòng Ủy ban nhân dân "
        "tỉnh trong thời hạn 05 ngày làm việc.",
        5, (Receipt(SNV, "in_progress", lead="VP", due=1),)),
    DemoLetter(
        TP_YEN_BAI, "CV", "2210", "UBND-NV",
        "đề nghị thẩm định hồ sơ sắp xếp, tổ chức lại đơn vị sự nghiệp công lập thuộc thành phố",
        "Ủy ban nhân dân thành phố Yên Bái gửi kèm hồ sơ sắp xếp, tổ chức lại các đơn vị sự nghiệp công lập "
        "thuộc thành phố theo Đề án đã được phê duyệt. Đề nghị Sở Nội vụ thẩm định, có ý kiến bằng văn bản "
        "để thành phố hoàn thiện hồ sơ.",
        7, (Receipt(SNV, "in_progress", lead="TCCB", supports=("VP",), contributed=False, due=4),)),
    DemoLetter(
        "CAT", "BC", "312", "BC-CAT", "Tình hình hoạt động tôn giáo trên địa bàn tỉnh năm {y}",
        "Công an tỉnh báo cáo tình hình hoạt động của các tổ chức tôn giáo, điểm nhóm sinh hoạt tôn giáo tập "
        "trung và công tác bảo đảm an ninh, trật tự liên quan đến tôn giáo; đề nghị Ban Tôn giáo phối hợp rà "
        "soát các điểm nhóm chưa được đăng ký.",
        8, (Receipt(SNV, "in_progress", lead="TG", due=5),), secrecy=1),
    DemoLetter(
        UBND_TINH, "CV", "3901", "UBND-NC", "báo cáo kết quả thực hiện văn hóa công vụ năm {y}",
        "Ủy ban nhân dân tỉnh giao Sở Nội vụ tổng hợp, báo cáo kết quả thực hiện văn hóa công vụ năm {y} của "
        "các cơ quan, đơn vị trên địa bàn tỉnh; đánh giá kết quả đạt được, tồn tại, hạn chế và đề xuất giải "
        "pháp khắc phục.",
        14, (Receipt(SNV, "overdue", lead="VP"),), urgency=1),
    DemoLetter(
        "BNV", "CV", "6980", "BNV-CQĐP", "báo cáo số lượng, chất lượng cán bộ, công chức cấp xã sau sắp xếp",
        "Để phục vụ công tác quản lý, Bộ Nội vụ đề nghị Sở Nội vụ các tỉnh, thành phố báo cáo số lượng, chất "
        "lượng đội ngũ cán bộ, công chức cấp xã sau sắp xếp đơn vị hành chính theo biểu mẫu gửi kèm.",
        13, (Receipt(SNV, "overdue", lead="XDCQ"),), addressees=(ALL_HOME_AFFAIRS,)),
    DemoLetter(
        VPUBND, "CV", "3952", "VPUBND-TH",
        "đề xuất nội dung Chương trình công tác năm {n} của Ủy ban nhân dân tỉnh",
        "Để xây dựng Chương trình công tác năm {n} của Ủy ban nhân dân tỉnh, Văn phòng Ủy ban nhân dân tỉnh "
        "đề nghị Sở Nội vụ đề xuất các đề án, nội dung trình Ủy ban nhân dân tỉnh, Chủ tịch Ủy ban nhân dân "
        "tỉnh trong năm {n}, nêu rõ tên đề án, cơ quan chủ trì và thời gian trình.",
        15, (Receipt(SNV, "completed", lead="VP", supports=("CCHC",), reply="2150/SNV-VP"),)),
    DemoLetter(
        TP_YEN_BAI, "CV", "2087", "UBND-NV",
        "đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho tập thể, cá nhân "
        "có thành tích xuất sắc",
        "Ủy ban nhân dân thành phố Yên Bái đề nghị Sở Nội vụ thẩm định, trình Chủ tịch Ủy ban nhân dân tỉnh "
        "tặng Bằng khen cho 03 tập thể và 07 cá nhân có thành tích xuất sắc trong thực hiện nhiệm vụ chính "
        "trị năm {y} (hồ sơ gửi kèm).",
        12, (Receipt(SNV, "completed", lead="TĐKT", reply="2161/SNV-TĐKT"),)),
    DemoLetter(
        STC, "CV", "2690", "STC-HCSN",
        "phối hợp thẩm định số lượng người làm việc và kinh phí của các đơn vị sự nghiệp năm {n}",
        "Sở Tài chính đề nghị Sở Nội vụ phối hợp thẩm định số lượng người làm việc và dự toán kinh phí chi "
        "thường xuyên năm {n} của các đơn vị sự nghiệp công lập tự bảo đảm một phần chi thường xuyên; cử 01 "
        "công chức tham gia Tổ thẩm định liên ngành.",
        10, (Receipt(SNV, "completed", route="unit", lead="CCVC", reply="2098/SNV-CCVC"),)),
    DemoLetter(
        UBND_TINH, "CV", "3991", "UBND-NC", "tăng cường công tác phòng cháy, chữa cháy mùa hanh khô",
        "Để chủ động phòng ngừa cháy, nổ trong mùa hanh khô, Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành "
        "và Ủy ban nhân dân các huyện, thị xã, thành phố rà soát, kiểm tra an toàn phòng cháy, chữa cháy tại "
        "trụ sở, khu dân cư, chợ, cơ sở kinh doanh; tổ chức trực sẵn sàng chữa cháy, cứu nạn, cứu hộ.",
        4, (Receipt(SNV, "completed", lead="VP", outcome="Đã kiểm tra phương tiện chữa cháy tại trụ sở Sở, "
                    "phổ biến đến toàn thể công chức, người lao động."),
            Receipt(STC, "registered"),
            Receipt(TP_YEN_BAI, "assigned", lead="VP", due=3)),
        urgency=2, signature="signer", addressees=DEPARTMENTS_AND_DISTRICTS),
    # Văn phòng UBND tỉnh: the "ubnd" demo accounts.
    DemoLetter(
        SNV, "TTr", "845", "TTr-SNV", "Đề nghị phê duyệt Đề án vị trí việc làm của Sở Tài chính",
        "Căn cứ hồ sơ đề nghị của Sở Tài chính và kết quả thẩm định, Sở Nội vụ kính trình Ủy ban nhân dân "
        "tỉnh xem xét, phê duyệt Đề án vị trí việc làm của Sở Tài chính với 62 vị trí việc làm (chi tiết tại "
        "Phụ lục kèm theo).",
        0, (Receipt(VPUBND, "arrived"),), addressees=(PROVINCE,)),
    DemoLetter(
        "VPCP", "CV", "8120", "VPCP-KSTT", "triển khai nhiệm vụ cắt giảm, đơn giản hóa thủ tục hành chính",
        "Thực hiện chỉ đạo của Thủ tướng Chính phủ, Văn phòng Chính phủ đề nghị Ủy ban nhân dân các tỉnh, "
        "thành phố trực thuộc Trung ương khẩn trương rà soát, cắt giảm, đơn giản hóa thủ tục hành chính "
        "thuộc phạm vi quản lý; báo cáo kết quả về Văn phòng Chính phủ để tổng hợp.",
        0, (Receipt(VPUBND, "arrived"),), urgency=2, addressees=(ALL_PROVINCES,)),
    DemoLetter(
        STC, "BC", "512", "BC-STC", "Tình hình thu, chi ngân sách nhà nước năm {y}",
        "Sở Tài chính báo cáo Ủy ban nhân dân tỉnh tình hình thực hiện thu, chi ngân sách nhà nước năm {y}: "
        "tổng thu ngân sách trên địa bàn ước đạt 104% dự toán; chi ngân sách địa phương bảo đảm các nhiệm vụ "
        "chi thường xuyên và chi đầu tư phát triển theo dự toán được giao.",
        1, (Receipt(VPUBND, "registered"),), signature="signer", addressees=(PROVINCE,)),
    DemoLetter(
        "BTC", "CV", "11870", "BTC-NSNN", "hướng dẫn xây dựng dự toán ngân sách nhà nước năm {n}",
        "Bộ Tài chính hướng dẫn Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương và Sở Tài chính "
        "các tỉnh, thành phố xây dựng dự toán ngân sách nhà nước năm {n} bảo đảm đúng quy định của Luật Ngân "
        "sách nhà nước, tích cực, vững chắc; triệt để tiết kiệm chi thường xuyên.",
        5, (Receipt(VPUBND, "registered"), Receipt(STC, "in_progress", lead="QLNS", due=6)),
        addressees=(ALL_PROVINCES, ALL_FINANCE)),
    DemoLetter(
        SKHDT, "BC", "298", "BC-SKHĐT", "Tình hình giải ngân vốn đầu tư công năm {y}",
        "Sở Kế hoạch và Đầu tư báo cáo: kế hoạch vốn đầu tư công năm {y} đã giải ngân đạt 71,4%; một số dự "
        "án giải ngân chậm do vướng mắc giải phóng mặt bằng. Sở kiến nghị Ủy ban nhân dân tỉnh chỉ đạo các "
        "chủ đầu tư đẩy nhanh tiến độ.",
        3, (Receipt(VPUBND, "assigned", lead="KT", supports=("VP",), due=5),), addressees=(PROVINCE,)),
    DemoLetter(
        VAN_YEN, "BC", "455", "BC-UBND", "Tình hình thiệt hại do mưa lũ và công tác khắc phục hậu quả",
        "Đợt mưa lớn vừa qua đã làm sạt lở nhiều tuyến đường liên xã, hư hỏng 27 nhà ở, ảnh hưởng 35 ha lúa, "
        "hoa màu. Huyện đã huy động lực lượng tại chỗ khắc phục, bảo đảm giao thông thông suốt; đề nghị Ủy "
        "ban nhân dân tỉnh hỗ trợ kinh phí khắc phục hậu quả.",
        5, (Receipt(VPUBND, "in_progress", lead="KT", supports=("VP",), contributed=False, due=3),),
        urgency=1, addressees=(PROVINCE,)),
    DemoLetter(
        SNV, "CV", "2101", "SNV-CCHC",
        "kết quả chấm điểm Chỉ số cải cách hành chính năm {y} của các sở, ngành, địa phương",
        "Sở Nội vụ gửi kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {y} của các sở, ban, "
        "ngành và Ủy ban nhân dân các huyện, thị xã, thành phố; đề nghị Văn phòng Ủy ban nhân dân tỉnh tổng "
        "hợp, trình Ủy ban nhân dân tỉnh công bố kết quả.",
        6, (Receipt(VPUBND, "in_progress", lead="VP", due=4),)),
    DemoLetter(
        "BTP", "CV", "4415", "BTP-KTrVB",
        "báo cáo công tác kiểm tra, xử lý văn bản quy phạm pháp luật năm {y}",
        "Bộ Tư pháp đề nghị Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương báo cáo kết quả công "
        "tác tự kiểm tra, kiểm tra, xử lý văn bản quy phạm pháp luật năm {y}; gửi báo cáo về Bộ Tư pháp đúng "
        "thời hạn.",
        12, (Receipt(VPUBND, "overdue", lead="VP"),), addressees=(ALL_PROVINCES,)),
    DemoLetter(
        SYT, "BC", "1275", "BC-SYT", "Tình hình phòng, chống dịch bệnh mùa đông - xuân",
        "Số ca mắc cúm mùa, tay chân miệng trên địa bàn tỉnh tăng nhẹ so với cùng kỳ, không có ca tử vong; "
        "ngành Y tế đã chủ động giám sát, xử lý ổ dịch và tuyên truyền phòng bệnh tại cộng đồng.",
        11, (Receipt(VPUBND, "completed", lead="KGVX", outcome="Đã tổng hợp vào báo cáo tình hình kinh tế - "
                     "xã hội của Ủy ban nhân dân tỉnh."),),
        addressees=(PROVINCE,)),
    DemoLetter(
        "CAT", "BC", "356", "BC-CAT", "Tình hình an ninh, trật tự trên địa bàn tỉnh",
        "Công an tỉnh báo cáo tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn tỉnh trong "
        "kỳ; kết quả đấu tranh phòng, chống tội phạm và đề xuất một số nhiệm vụ trọng tâm thời gian tới.",
        8, (Receipt(VPUBND, "completed", lead="NC", outcome="Đã báo cáo Chủ tịch Ủy ban nhân dân tỉnh."),),
        secrecy=1, addressees=(PROVINCE,)),
    # Sở Tài chính and UBND thành phố Yên Bái: their staff are generated.
    DemoLetter(
        UBND_TINH, "QĐ", "2290", "QĐ-UBND", "Giao bổ sung dự toán ngân sách năm {y} cho các cơ quan, đơn vị",
        "Giao bổ sung dự toán chi ngân sách địa phương năm {y} cho các cơ quan, đơn vị với tổng số tiền "
        "12.450 triệu đồng (chi tiết tại Phụ lục kèm theo). Giao Sở Tài chính hướng dẫn các cơ quan, đơn vị "
        "quản lý, sử dụng kinh phí đúng quy định.",
        5, (Receipt(STC, "in_progress", lead="QLNS", supports=("HCSN",), due=5),), signature="signer"),
    DemoLetter(
        STC, "CV", "2801", "STC-QLNS", "báo cáo tình hình thực hiện dự toán ngân sách năm {y}",
        "Sở Tài chính đề nghị Ủy ban nhân dân các huyện, thị xã, thành phố báo cáo tình hình thực hiện dự "
        "toán thu, chi ngân sách năm {y} và ước thực hiện cả năm, gửi về Sở Tài chính để tổng hợp.",
        0, (Receipt(TP_YEN_BAI, "arrived"),), addressees=("Ủy ban nhân dân các huyện, thị xã, thành phố",)),
    DemoLetter(
        SNV, "HD", "14", "HD-SNV", "Đánh giá, xếp loại chất lượng công chức cấp xã năm {y}",
        "Sở Nội vụ hướng dẫn Ủy ban nhân dân các huyện, thị xã, thành phố tổ chức đánh giá, xếp loại chất "
        "lượng cán bộ, công chức cấp xã năm {y} theo đúng quy định; tổng hợp kết quả gửi Sở Nội vụ trước "
        "ngày 20 tháng 01 năm {n}.",
        4, (Receipt(TP_YEN_BAI, "in_progress", lead="NV", due=7),)),
    DemoLetter(
        UBND_TINH, "KH", "236", "KH-UBND", "Hỗ trợ người lao động tìm kiếm việc làm năm {n}",
        "Nhằm hỗ trợ người lao động, nhất là lao động nông thôn và lao động mất việc làm, tiếp cận thông tin "
        "thị trường lao động và tìm được việc làm phù hợp, Ủy ban nhân dân tỉnh ban hành Kế hoạch năm {n} "
        "như sau.",
        9, (Receipt(TP_YEN_BAI, "completed", lead="LĐTBXH", reply="1877/UBND-LĐTBXH"),), signature="signer"),
)

# Office hours of the demo clock; steps are spaced in working hours inside them.
OFFICE_OPENS, OFFICE_CLOSES = clock_time(7, 30), clock_time(17, 0)
COMPLETED_DEADLINE_DAYS = 10  # working days from arrival, for documents that are already closed

PROGRESS_NOTES = (
    "Đã nghiên cứu nội dung văn bản, đang tổng hợp số liệu của các phòng để xây dựng dự thảo "
    "văn bản trả lời.",
    "Đã làm việc với các đơn vị liên quan; dự thảo văn bản đang trình lãnh đạo phòng cho ý kiến.",
    "Đang rà soát hồ sơ, đối chiếu quy định; dự kiến hoàn thành dự thảo trong tuần.",
)
CONTRIBUTIONS = (
    "{unit} thống nhất với nội dung đề xuất; đề nghị bổ sung số liệu tổng hợp theo biểu mẫu.",
    "{unit} đã rà soát phần việc liên quan, không có ý kiến khác.",
)
