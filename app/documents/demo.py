"""Demo incoming documents: forty of them in every state, so a new user logs in to a living system.

Each is a real Decree 30 letter rendered by WeasyPrint, once per letter: a letter sent to several
agencies of the demo is the same file in each. Letters that another agency of the installation
delivered are signed with the demo PKI (one with a certificate from outside it, one altered after
signing). Letters from outside the province come in as paper scans that the clerk enters. All of them
come in through `receive_document` and go through the incoming process with the same `complete_task`
calls that the task pages make. So numbers, notes, participants and the audit chain are all real.

Only the clock is faked (demo back-dating). Each step of a document's life is stamped afterwards
with a moment in office hours over the last three weeks. The audit chain keeps the real time of the
seeding. Deadlines in the past cannot be set through the process (the operators refuse them), so
completed and overdue documents get theirs moved back directly; see `_move_deadline`.
"""
import logging
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import current_app
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from sqlalchemy import select

from app.audit.services import record
from app.directory.models import Agency, Department, User, UserRole
from app.directory.roles import CLERK, LEADER, SPECIALIST, UNIT_HEAD
from app.extensions import db
from app.rendering.jinja import environment_renderer
from app.rendering.pdf import render_pdf
from app.signing.demo_pki import ensure_demo_pki
from app.signing.signer import SignerCredentials, asn1_certificate
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM, vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task
from app.workflow.scripting_runtime import work_calendar

from .folding import fold
from .metadata import IncomingMetadata
from .models import ACCEPTED, ASSIGNED, COMPLETED, REFUSED, Document, DocumentLink, DocumentNote
from .receiving import receive_document
from .storage import store_pdf
from .vocabulary import DOCUMENT_TYPES

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
# Room for the CMS container (signature, signing certificate and its two CAs): pyHanko otherwise signs
# twice, once to measure it.
SIGNATURE_BYTES = 16384

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


@dataclass(frozen=True)
class DemoDocumentsSummary:
    documents: int
    by_status: dict[str, int]
    overdue: int
    elapsed_seconds: float


def seed_demo_documents() -> DemoDocumentsSummary:
    """Bring the demo letters in and drive each copy to its stage; flushes, the caller commits.

    Needs the demo province (app.directory.demo). Deploys the catalogue's processes itself, which does
    nothing when they are deployed already.
    """
    started = time.perf_counter()
    config = current_app.config
    report = sync_processes(catalogue(), Path(config["BPMN_DIR"]), Path(config["FORMS_DIR"]))
    if report.problems:
        raise RuntimeError("; ".join(str(problem) for problem in report.problems))
    seeding = _Seeding()
    planned = sorted(
        ((seeding.clock.arrival(letter.days, number, copy), number, copy)
         for number, letter in enumerate(LETTERS) for copy in range(len(letter.receipts))))
    # In order of arrival, so that the số đến of each book follow the days the documents were registered.
    documents = [seeding.bring_in(number, copy, arrival) for arrival, number, copy in planned]
    by_status = dict(sorted(Counter(d.status_code for d in documents).items()))
    overdue = sum(1 for d in documents if d.status_code not in (COMPLETED, REFUSED) and d.due_date
                  and d.due_date < vietnam_today())
    record("demo_documents_seeded", documents=len(documents), by_status=by_status, overdue=overdue,
           note="Văn bản minh họa; thời điểm trên văn bản được lùi về các tuần trước (nhật ký giữ giờ thật).")
    db.session.flush()
    return DemoDocumentsSummary(len(documents), by_status, overdue, time.perf_counter() - started)


class _Office(NamedTuple):
    """The people of a receiving agency who handle its documents."""

    agency: Agency
    clerk: User
    leader: User
    departments: dict[str, Department]  # by abbreviation
    heads: dict[int, User]  # by department id
    specialists: dict[int, User]


class _Issued(NamedTuple):
    """A letter as issued: the PDF every receiver gets, and what the clerk reads off it."""

    pdf: bytes
    document_date: date
    code: str
    name: str
    signer_name: str


class _Seeding:
    """One run: the PKI, the renderer, the offices, the letters issued so far and the demo clock."""

    def __init__(self):
        config = current_app.config
        self.files_dir = Path(config["FILES_DIR"])
        self.max_bytes = config["MAX_TASK_FILE_MB"] * 1024 * 1024
        self.pki = ensure_demo_pki(Path(config["PKI_DIR"]))
        self.render = environment_renderer()
        self.clock = _Clock()
        self.year = vietnam_today().year
        self._offices: dict[str, _Office] = {}
        self._agencies: dict[str, Agency] = {}
        self._heads: dict[int, User] = {}
        self._issued: dict[int, _Issued] = {}

    # --- people and senders -------------------------------------------------------------------------

    def agency(self, code: str) -> Agency:
        if code not in self._agencies:
            agency = db.session.scalars(select(Agency).where(Agency.code == code)).first()
            if agency is None:
                raise LookupError(f"demo documents need the demo province: no agency {code}")
            self._agencies[code] = agency
        return self._agencies[code]

    def office(self, code: str) -> _Office:
        if code not in self._offices:
            agency = self.agency(code)
            holders: dict[str, list[User]] = {}
            for user, role in db.session.execute(
                    select(User, UserRole.role).join(UserRole).where(User.agency_id == agency.id, User.active)
                    .order_by(User.id)):
                holders.setdefault(role, []).append(user)
            # The first holder of each role is the demo's fixed account where there is one (vanthu.snv …).
            heads, specialists = {}, {}
            for user in holders.get(UNIT_HEAD, []):
                heads.setdefault(user.department_id, user)
            for user in holders.get(SPECIALIST, []):
                specialists.setdefault(user.department_id, user)
            self._offices[code] = _Office(agency, holders[CLERK][0], holders[LEADER][0],
                                          {d.abbreviation: d for d in agency.departments}, heads, specialists)
        return self._offices[code]

    def head_of(self, agency: Agency) -> User:
        """Who signs for the agency: its head, the first leader of its roster."""
        if agency.id not in self._heads:
            self._heads[agency.id] = db.session.scalars(select(User).join(UserRole).where(
                User.agency_id == agency.id, UserRole.role == LEADER).order_by(User.id)).first()
        return self._heads[agency.id]

    # --- one copy of a letter -----------------------------------------------------------------------

    def bring_in(self, number: int, copy: int, arrival: datetime) -> Document:
        letter = LETTERS[number]
        receipt = letter.receipts[copy]
        office = self.office(receipt.to)
        delivered = letter.issuer not in EXTERNAL_ISSUERS
        if number not in self._issued:  # rendered and signed once, whoever receives it
            self._issued[number] = self.issue(letter, number, arrival)
        issued = self._issued[number]
        subject = letter.subject.format(y=self.year, n=self.year + 1)
        filename = fold(f"{letter.number}-{letter.notation}").replace(" ", "-") + ".pdf"
        stored = store_pdf(BytesIO(issued.pdf), filename, files_dir=self.files_dir, max_bytes=self.max_bytes)
        metadata = IncomingMetadata(
            doc_type=letter.doc_type, number=letter.number, notation=letter.notation, issuer_code=issued.code,
            issuer_name=issued.name, document_date=issued.document_date,
            subject=f"V/v {subject}" if letter.doc_type == "CV" else subject, urgency=letter.urgency,
            secrecy=letter.secrecy, signer_name=issued.signer_name)
        # Deliveries keep a broken signature, so that the clerk sees the verdict at Tiếp nhận.
        with _quiet_validation(letter.signature in ("untrusted", "tampered")):
            document = receive_document(
                agency_id=office.agency.id, metadata=metadata, main_file=stored,
                origin="internal" if delivered else "paper", actor=None if delivered else office.clerk,
                refuse_broken_signatures=False).document
        _Life(self, receipt, office, document, arrival, number + copy).live()
        return document

    def issue(self, letter: DemoLetter, number: int, arrival: datetime) -> _Issued:
        """The letter as its sender issued it: rendered, and signed when it is delivered electronically."""
        external = EXTERNAL_ISSUERS.get(letter.issuer)
        if external:
            sender, parent = external, external.parent
        else:
            agency = self.agency(letter.issuer)
            head = self.head_of(agency)
            local = agency.kind in ("province", "district", "commune")
            authority = "TM. Ủy ban nhân dân" if local else None
            sender = Issuer(agency.code, agency.name, _place(agency), authority, head.job_title,
                            head.full_name)
            parent = _parent_line(agency)
        document_date = self.clock.document_date(arrival, external is None, number)
        receivers = [self.agency(receipt.to).name for receipt in letter.receipts]
        addressees = list(letter.addressees) or receivers[:1]
        subject = letter.subject.format(y=self.year, n=self.year + 1)
        pdf = render_pdf(self.render(
            "print/official_letter.html", parent_agency=parent, agency_name=sender.name, number=letter.number,
            symbol=letter.notation, place=sender.place, issued_on=document_date,
            type_name=None if letter.doc_type == "CV" else DOCUMENT_TYPES[letter.doc_type][0],
            subject=subject,
            addressees=addressees if letter.doc_type in ADDRESSED_TYPES else [],
            paragraphs=_paragraphs(letter, sender.name, addressees[0], self.year),
            recipients=_recipients(letter, receivers), authority=sender.authority,
            signer_position=sender.signer_position, signer_name=sender.signer_name))
        if external is None:
            moment = self.clock.signing_time(document_date, arrival)
            pdf = self.sign(pdf, letter, self.agency(letter.issuer), moment)
        return _Issued(pdf, document_date, sender.code, sender.name, sender.signer_name)

    def sign(self, pdf: bytes, letter: DemoLetter, agency: Agency, moment: datetime) -> bytes:
        head = self.head_of(agency)
        if letter.signature == "untrusted":
            return _sign(pdf, _self_made_credentials(head.full_name, agency.name), "Signature1", moment)
        seal = self.pki.issue_organisation(agency.code, agency.name)
        if letter.signature == "signer":
            person = self.pki.issue_person(head.username, head.full_name, agency.name)
            pdf = _sign(pdf, person, "Signature1", moment)
            return _sign(pdf, seal, "Signature2", moment + timedelta(minutes=3))
        pdf = _sign(pdf, seal, "Signature1", moment)
        if letter.signature == "tampered":
            # Altered after signing: one byte of the header's binary comment, which no reader looks at
            # but the signature's digest covers. The file still opens; the verdict is "Không hợp lệ".
            at = pdf.index(b"\n%") + 2
            pdf = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
        return pdf


class _Life:
    """Drives one received copy through the incoming process to its stage, stamping each step's moment."""

    def __init__(self, seeding: _Seeding, receipt: Receipt, office: _Office, document: Document,
                 arrival: datetime, index: int):
        self.seeding, self.receipt, self.office, self.document = seeding, receipt, office, document
        self.clock, self.index = seeding.clock, index
        self.arrival = self.moment = arrival
        self.clock.stamp(document, arrival)

    def step(self, hours: float, spec_id: str, data: dict, actor: User, *, department_id: int | None = None):
        """Complete the ready task `spec_id` as `actor`, `hours` working hours after the last step."""
        self.moment = self.clock.after(self.moment, hours)
        complete_task(self.task(spec_id, actor, department_id).task_uuid, data, actor=actor)
        self.clock.stamp(self.document, self.moment)

    def task(self, spec_id: str, actor: User, department_id: int | None = None) -> HumanTask:
        """The ready task `spec_id` of the document (of that unit; the actor's own when it is assigned)."""
        ready = select(HumanTask).where(HumanTask.instance_id == self.document.instance_id,
                                        HumanTask.spec_id == spec_id).order_by(HumanTask.id)
        rows = [row for row in db.session.scalars(ready)
                if (department_id is None or row.candidate_department_id == department_id)
                and row.assigned_user_id in (None, actor.id)]
        if not rows:
            raise LookupError(f"demo document {self.document.symbol}: no task {spec_id}")
        return rows[0]

    def live(self) -> None:
        try:
            self._live(self.receipt, self.office)
        finally:
            self.clock.settle(self.document)

    def _live(self, receipt: Receipt, office: _Office) -> None:
        stage = receipt.stage
        if stage not in STAGES:
            raise ValueError(f"demo document {self.document.symbol}: unknown stage {stage}")
        if stage == "arrived":
            return
        if self.document.origin == "internal":
            decision = ({"receive_decision": "refuse", "refusal_reason": receipt.refusal}
                        if stage == "refused" else {"receive_decision": "accept"})
            self.step(0.4, "receive", decision, office.clerk)
            if stage == "refused":
                return
        lead = office.departments[receipt.lead] if receipt.lead else None
        supports = [office.departments[abbr] for abbr in receipt.supports]
        specialist = office.specialists[lead.id] if lead else None
        # Overdue ones go to a person directly: after a unit head's dispatch, the leader's extension
        # decision finds nobody to take it (the task keeps the lead unit's department_id).
        named = specialist if stage == "overdue" else None
        deadline = self.deadline()
        if receipt.route == "unit":
            self.step(0.3, "register", {"route": "unit", "lead_department_id": lead.id,
                                        "due_date": deadline.isoformat()}, office.clerk)
        else:
            self.step(0.3, "register", {"route": "leader"}, office.clerk)
            if stage == "registered":
                return
            self.step(4, "assign", {
                "directing_opinion": _directing_opinion(lead, supports, named), "lead_department_id": lead.id,
                "lead_user": named.username if named else None,
                "support_department_ids": [d.id for d in supports], "due_date": deadline.isoformat()},
                office.leader)
        if stage == "assigned":
            return
        if not named:
            self.step(2, "dispatch_lead", {"specialist": specialist.username,
                                           "dispatch_note": "Đề nghị đồng chí nghiên cứu, tham mưu xử lý."},
                      office.heads[lead.id])
        for unit in supports:
            self.step(0.5, "dispatch_support", {"specialist": office.specialists[unit.id].username},
                      office.heads[unit.id], department_id=unit.id)
        if receipt.contributed or stage == "completed":
            for number, unit in enumerate(supports):
                text = CONTRIBUTIONS[(self.index + number) % len(CONTRIBUTIONS)].format(unit=unit.name)
                self.step(6, "contribute", {"contribution": text}, office.specialists[unit.id])
        progress = PROGRESS_NOTES[self.index % len(PROGRESS_NOTES)]
        self.step(8, "handle", {"handling_action": "progress", "handling_note": progress}, specialist)
        if stage == "overdue":
            self.fall_behind(specialist)
        elif stage == "completed":
            note = (f"Đã tham mưu văn bản trả lời số {receipt.reply}, trình lãnh đạo ký ban hành."
                    if receipt.reply else receipt.outcome)
            self.step(10, "handle", {"handling_action": "finish", "handling_note": note,
                                     "reply_reference": receipt.reply}, specialist)
            self.move_deadline_back()

    def intended_deadline(self) -> date:
        """Where a closed or overdue document's deadline would have been: ten working days after arrival."""
        return self.clock.calendar.add_working_days(self.clock.day(self.arrival), COMPLETED_DEADLINE_DAYS)

    def deadline(self) -> date:
        """The deadline given in the process, which refuses past dates (see `_move_deadline`).

        At least two working days ahead for documents whose deadline is moved afterwards: a nearer one
        would fire the reminder timer during the seeding, naming the date that is then replaced.
        """
        calendar, today = self.clock.calendar, vietnam_today()
        if self.receipt.stage == "overdue":
            return calendar.add_working_days(today, 2)
        if self.receipt.stage == "completed":
            return max(self.intended_deadline(), calendar.add_working_days(today, 2))
        return calendar.add_working_days(today, self.receipt.due)

    def fall_behind(self, specialist: User) -> None:
        """Overdue: the specialist asks for more time, the leader refuses, and the deadline passes.

        The leader's refusal sends the process back to the document's deadline, which is moved into the
        past just before. The process then gives that date to the specialist's new task and to its
        reminder and overdue timers, which fire at once.
        """
        calendar = self.clock.calendar
        deadline = calendar.add_working_days(self.clock.day(self.clock.after(self.moment, 8)), 2)
        if deadline >= vietnam_today():  # not enough past days for this one: overdue since yesterday
            deadline = calendar.previous_working_day(vietnam_today())
        _move_deadline(self.document, deadline)
        self.step(8, "handle", {
            "handling_action": "extension",
            "requested_due_date": calendar.add_working_days(deadline, 5).isoformat(),
            "handling_note": "Cần thêm thời gian tổng hợp số liệu của các đơn vị chưa gửi báo cáo."},
            specialist)
        self.step(3, "decide_extension", {
            "extension_granted": False,
            "extension_comment": "Đề nghị khẩn trương hoàn thành, báo cáo ngay trong tuần."},
            self.office.leader)
        self.clock.stamp_deadline_notes(self.document, deadline)

    def move_deadline_back(self) -> None:
        """A closed document keeps the deadline it would have had, ten working days after arrival."""
        if self.document.due_date != self.intended_deadline():
            _move_deadline(self.document, self.intended_deadline())


def _move_deadline(document: Document, deadline: date) -> None:
    """Demo back-dating: put a deadline the process would refuse (a past date) directly on the document.

    The assignment's status note names the deadline and is rewritten too; the audit chain keeps the
    date actually given in the process during the seeding.
    """
    if document.due_date:
        old, new = document.due_date.strftime("%d/%m/%Y"), deadline.strftime("%d/%m/%Y")
        for change in document.statuses:
            if change.code == ASSIGNED and old in change.note:
                change.note = change.note.replace(old, new)
    document.due_date = deadline
    db.session.flush()


class _Clock:
    """The demo clock: moments in office hours over the last three weeks, never later than now."""

    def __init__(self):
        self.calendar = work_calendar()
        self.started = utcnow()  # rows still carrying a time after this one are not stamped yet
        self.latest = self.started - timedelta(minutes=1)
        now = self.latest.astimezone(VIETNAM)
        day = now.date()
        if not self.calendar.is_working_day(day) or now.time() < OFFICE_OPENS:
            day = self.calendar.previous_working_day(day)
        self.last_day = day
        # Số đến restart on 1 January: the demo weeks stay inside the current year, squeezed if need be.
        first = self.calendar.add_working_days(date(now.year, 1, 1), 0)
        self.first_day = first if first <= day else None
        self.new_year = datetime(now.year, 1, 1, tzinfo=VIETNAM)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(VIETNAM).date()

    def _at(self, day: date, at: clock_time) -> datetime:
        return datetime.combine(day, at, VIETNAM)

    def arrival(self, days: int, number: int, copy: int) -> datetime:
        """A moment in office hours `days` working days ago, spread over the day by the letter's number."""
        day = self.last_day
        for _ in range(days):
            day = self.calendar.previous_working_day(day)
        if self.first_day and day < self.first_day:
            day = self.first_day
        opened = self._at(day, OFFICE_OPENS)
        moment = opened + timedelta(minutes=15 + (number * 47) % (8 * 60) + 9 * copy)
        if moment < self.new_year:  # the year has had no office hours yet
            opened = self.new_year
        if moment >= self.latest or moment < self.new_year:  # somewhere in the hours gone by
            moment = opened + (self.latest - opened) * ((number % 7) + 1 + copy / 4) / 10
        return moment

    def document_date(self, arrival: datetime, delivered: bool, number: int) -> date:
        """Deliveries are dated the day they come or the day before; paper takes a few days longer."""
        back = number % 2 if delivered else 2 + number % 2
        day = self.day(arrival)
        for _ in range(back):
            day = self.calendar.previous_working_day(day)
        return day

    def signing_time(self, document_date: date, arrival: datetime) -> datetime:
        return min(self._at(document_date, clock_time(16, 10)), arrival - timedelta(minutes=40))

    def after(self, moment: datetime, hours: float) -> datetime:
        """`hours` working hours after `moment`; squeezed in before now when the weeks run out."""
        local, left = moment.astimezone(VIETNAM), timedelta(hours=hours)
        while True:
            day = local.date()
            opens, closes = self._at(day, OFFICE_OPENS), self._at(day, OFFICE_CLOSES)
            if not self.calendar.is_working_day(day) or local >= closes:
                local = self._at(self.calendar.next_working_day(day), OFFICE_OPENS)
                continue
            local = max(local, opens)
            if local + left <= closes:
                result = local + left
                break
            left -= closes - local
            local = self._at(self.calendar.next_working_day(day), OFFICE_OPENS)
        return result if result < self.latest else moment + (self.latest - moment) / 3

    def stamp(self, document: Document, moment: datetime) -> None:
        """Demo back-dating: give the rows the last step wrote (still at the real time) the step's moment."""
        for change in document.statuses:
            if change.at >= self.started:
                change.at = moment
        for row in self._fresh(DocumentNote, DocumentNote.at, DocumentNote.document_id == document.id):
            row.at = moment
        links = self._fresh(DocumentLink, DocumentLink.created_at, DocumentLink.document_id == document.id)
        tasks = self._fresh(HumanTask, HumanTask.created_at, HumanTask.instance_id == document.instance_id)
        for row in [*links, *tasks]:
            row.created_at = moment

    def stamp_deadline_notes(self, document: Document, deadline: date) -> None:
        """The timers' notes: the reminder at the end of the working day before the deadline, then overdue."""
        reminded = self._at(self.calendar.previous_working_day(deadline), clock_time(23, 59))
        passed = self._at(deadline, clock_time(23, 59, 30))
        for note in db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id,
                                                                  DocumentNote.kind == "deadline")):
            note.at = passed if note.text.startswith("Quá hạn") else reminded

    def _fresh(self, model, column, condition):
        """Rows of `model` matching `condition` whose time `column` is still the real one."""
        return db.session.scalars(select(model).where(condition, column >= self.started)).all()

    def settle(self, document: Document) -> None:
        """The document's own times, and its case's, from its stamped status trail."""
        db.session.flush()
        statuses = document.statuses
        document.received_at = statuses[0].at
        for change in statuses:
            if change.code == ACCEPTED:
                document.registered_at = change.at
            elif change.code == ASSIGNED:
                document.transferred_at = change.at
            elif change.code in (COMPLETED, REFUSED):
                document.completed_at = change.at
        instance = db.session.get(ProcessInstance, document.instance_id)
        last = max([statuses[-1].at] + list(db.session.scalars(
            select(DocumentNote.at).where(DocumentNote.document_id == document.id))))
        instance.started_at, instance.updated_at = document.received_at, min(last, self.latest)
        if instance.completed_at is not None:
            instance.completed_at = statuses[-1].at
        db.session.flush()


ADDRESSED_TYPES = ("CV", "TTr", "BC", "GM")  # the types printed with "Kính gửi"


def _place(agency: Agency) -> str:
    """The place name of the date line: the district's own for a district, else the province's."""
    if agency.kind == "district":
        for prefix in ("Ủy ban nhân dân huyện ", "Ủy ban nhân dân thị xã ", "Ủy ban nhân dân thành phố "):
            if agency.name.startswith(prefix):
                return agency.name.removeprefix(prefix)
    return "Yên Bái"


def _parent_line(agency: Agency) -> str | None:
    """The superior agency above the issuer's name in the letterhead (none for People's Committees)."""
    if agency.kind in ("province", "district", "commune") or agency.parent is None:
        return None
    if agency.parent.kind == "province":
        return agency.parent.name.replace("Ủy ban nhân dân", "UBND")
    return agency.parent.name


def _paragraphs(letter: DemoLetter, issuer: str, addressee: str, year: int) -> list[str]:
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


def _recipients(letter: DemoLetter, receivers: list[str]) -> list[str]:
    parts = letter.notation.split("-")
    # "QĐ-UBND": the type, then the issuer. "STC-QLNS": the issuer, then the drafting unit (it keeps a copy).
    keep = "Lưu: VT" if parts[0] in DOCUMENT_TYPES or len(parts) < 2 else f"Lưu: VT, {parts[-1]}"
    if letter.doc_type == "QĐ":
        return ["Như Điều 3", *receivers, keep]
    if letter.doc_type in ADDRESSED_TYPES:
        return ["Như trên", keep]
    return [*receivers, "Các cơ quan, đơn vị có liên quan", keep]


def _directing_opinion(lead: Department, supports: list[Department], person: User | None = None) -> str:
    who = f"đồng chí {person.full_name} ({lead.name})" if person else lead.name
    together = f", phối hợp với {', '.join(d.name for d in supports)}" if supports else ""
    return (f"Giao {who} chủ trì{together} nghiên cứu, tham mưu xử lý theo quy định; "
            "báo cáo kết quả trước hạn.")


@contextmanager
def _quiet_validation(quiet: bool):
    """pyHanko logs a warning with a traceback for a signature it cannot trust: expected here, not news."""
    logger = logging.getLogger("pyhanko")
    level = logger.level
    if quiet:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _SignerAt(signers.PdfSigner):
    """pyHanko's signer, with the signing time the signature claims given by the demo clock."""

    def __init__(self, metadata, signer, moment: datetime):
        super().__init__(metadata, signer=signer)
        self._moment = moment

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._moment
        return session


def _sign(pdf: bytes, credentials: SignerCredentials, field_name: str, moment: datetime) -> bytes:
    """An invisible PAdES B-B signature like app.signing.pades.sign_pdf's, claiming to be made at `moment`."""
    metadata = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                            subfilter=SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    signer = _SignerAt(metadata, credentials.signer, moment)
    return signer.sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES).getvalue()


@cache
def _self_made_credentials(full_name: str, organisation: str) -> SignerCredentials:
    """A certificate from an authority its holder set up: well formed, but nobody here trusts that CA."""
    now = utcnow()

    def certificate(subject, key, issuer, issuer_key, *, authority: bool):
        usage = x509.KeyUsage(digital_signature=not authority, content_commitment=not authority,
                              key_encipherment=False, data_encipherment=False, key_agreement=False,
                              key_cert_sign=authority, crl_sign=authority, encipher_only=False,
                              decipher_only=False)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=400)).not_valid_after(now + timedelta(days=700))
                .add_extension(x509.BasicConstraints(ca=authority, path_length=0 if authority else None),
                               critical=True)
                .add_extension(usage, critical=True)
                .sign(issuer_key, hashes.SHA256()))

    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                          x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = name(f"CA nội bộ {organisation}")
    ca = certificate(ca_name, ca_key, ca_name, ca_key, authority=True)
    holder = certificate(name(full_name), key, ca_name, ca_key, authority=False)
    return SignerCredentials(private_key=key, certificate=asn1_certificate(holder),
                             ca_chain=(asn1_certificate(ca),))
