"""The demo provinces' agency tables as plain data: Yên Bái's People's Committee and the 90 agencies under
it (the default demo), and the builder that turns a province's tables into agencies with their codes."""
from typing import NamedTuple


class AgencySpec(NamedTuple):
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    head_title: str
    departments: tuple[tuple[str, str], ...]  # (name, abbreviation); the first one keeps the register
    staff_titles: tuple[str, ...] = ()  # what the rank and file of a service unit are called


class ProvinceTables(NamedTuple):
    """One province's tables below: department-level bodies, districts with communes, service units."""

    suffix: str  # the letter-and-digits group in every mã định danh of the province (H63 = Yên Bái)
    name: str  # its People's Committee
    department_bodies: tuple
    districts: tuple
    service_units: tuple


PROVINCE_SUFFIX = "H63"  # Yên Bái's letter-and-digits group in every mã định danh

VP = ("Văn phòng", "VP")
SO_CORE = (VP, ("Phòng Tổ chức cán bộ", "TCCB"), ("Phòng Kế hoạch - Tài chính", "KHTC"))
THANH_TRA_SO = ("Thanh tra Sở", "TTr")
HCTH = ("Phòng Hành chính - Tổng hợp", "HCTH")

ROOT_DEPARTMENTS = (("Tổ Thư ký - Tổng hợp", "TKTH"), ("Tổ Công tác chuyển đổi số", "CĐS"))

# Department-level bodies in code order: the position gives the NN group (VPUBND = 01, SNV = 02).
DEPARTMENT_BODIES = (
    ("Văn phòng Ủy ban nhân dân tỉnh", "VPUBND", "Chánh Văn phòng", SO_CORE + (
        ("Phòng Tổng hợp", "TH"), ("Phòng Kinh tế", "KT"), ("Phòng Nội chính", "NC"),
        ("Phòng Khoa giáo - Văn xã", "KGVX"))),
    ("Sở Nội vụ", "SNV", "Giám đốc", SO_CORE + (
        ("Phòng Công chức, viên chức", "CCVC"), ("Phòng Xây dựng chính quyền", "XDCQ"),
        ("Phòng Cải cách hành chính", "CCHC"), ("Ban Thi đua - Khen thưởng", "TĐKT"),
        ("Ban Tôn giáo", "TG"))),
    ("Sở Tài chính", "STC", "Giám đốc", SO_CORE + (
        ("Phòng Quản lý ngân sách", "QLNS"), ("Phòng Tài chính hành chính sự nghiệp", "HCSN"),
        ("Phòng Quản lý giá và công sản", "GCS"), ("Phòng Tài chính đầu tư", "TCĐT"), THANH_TRA_SO)),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT", "Giám đốc", SO_CORE + (
        ("Phòng Tổng hợp, quy hoạch", "THQH"), ("Phòng Đăng ký kinh doanh", "ĐKKD"),
        ("Phòng Kinh tế ngành", "KTN"), ("Phòng Khoa giáo - Văn xã", "KGVX"))),
    ("Sở Tư pháp", "STP", "Giám đốc", SO_CORE + (
        ("Phòng Xây dựng và Kiểm tra văn bản", "XDKTVB"), ("Phòng Phổ biến, giáo dục pháp luật", "PBGDPL"),
        ("Phòng Hành chính tư pháp", "HCTP"), ("Phòng Bổ trợ tư pháp", "BTTP"))),
    ("Sở Công Thương", "SCT", "Giám đốc", SO_CORE + (
        ("Phòng Quản lý công nghiệp", "QLCN"), ("Phòng Quản lý thương mại", "QLTM"),
        ("Phòng Quản lý năng lượng", "QLNL"), THANH_TRA_SO)),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNN", "Giám đốc", SO_CORE + (
        ("Phòng Trồng trọt", "TT"), ("Phòng Chăn nuôi - Thú y", "CNTY"),
        ("Phòng Kinh tế hợp tác và Phát triển nông thôn", "KTHT"), ("Phòng Thủy lợi", "TL"), THANH_TRA_SO)),
    ("Sở Giao thông vận tải", "SGTVT", "Giám đốc", SO_CORE + (
        ("Phòng Quản lý kết cấu hạ tầng giao thông", "KCHT"), ("Phòng Quản lý vận tải", "QLVT"),
        ("Phòng Quản lý chất lượng công trình giao thông", "QLCL"), THANH_TRA_SO)),
    ("Sở Xây dựng", "SXD", "Giám đốc", SO_CORE + (
        ("Phòng Quy hoạch - Kiến trúc", "QHKT"), ("Phòng Quản lý xây dựng", "QLXD"),
        ("Phòng Phát triển đô thị", "PTĐT"), ("Phòng Quản lý nhà và Thị trường bất động sản", "QLN"))),
    ("Sở Tài nguyên và Môi trường", "STNMT", "Giám đốc", SO_CORE + (
        ("Phòng Quản lý đất đai", "QLĐĐ"), ("Phòng Tài nguyên nước - Khoáng sản", "TNN"),
        ("Chi cục Bảo vệ môi trường", "BVMT"), ("Phòng Đo đạc, bản đồ và Viễn thám", "ĐĐBĐ"))),
    ("Sở Thông tin và Truyền thông", "STTTT", "Giám đốc", SO_CORE + (
        ("Phòng Bưu chính, Viễn thông", "BCVT"), ("Phòng Công nghệ thông tin", "CNTT"),
        ("Phòng Thông tin - Báo chí - Xuất bản", "TTBC"), ("Phòng Chuyển đổi số", "CĐS"))),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Giám đốc", SO_CORE + (
        ("Phòng Lao động - Việc làm - Giáo dục nghề nghiệp", "LĐVL"), ("Phòng Người có công", "NCC"),
        ("Phòng Bảo trợ xã hội", "BTXH"), ("Phòng Trẻ em và Bình đẳng giới", "TEBĐG"))),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "Giám đốc", SO_CORE + (
        ("Phòng Quản lý văn hóa", "QLVH"), ("Phòng Quản lý thể dục thể thao", "TDTT"),
        ("Phòng Quản lý du lịch", "QLDL"))),
    ("Sở Khoa học và Công nghệ", "SKHCN", "Giám đốc", SO_CORE + (
        ("Phòng Quản lý khoa học", "QLKH"), ("Phòng Quản lý công nghệ", "QLCN"),
        ("Chi cục Tiêu chuẩn Đo lường Chất lượng", "TĐC"))),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", "Giám đốc", SO_CORE + (
        ("Phòng Giáo dục mầm non", "GDMN"), ("Phòng Giáo dục tiểu học", "GDTH"),
        ("Phòng Giáo dục trung học", "GDTrH"), ("Phòng Khảo thí và Quản lý chất lượng", "KTQLCL"),
        ("Phòng Giáo dục thường xuyên", "GDTX"))),
    ("Sở Y tế", "SYT", "Giám đốc", SO_CORE + (
        ("Phòng Nghiệp vụ Y", "NVY"), ("Phòng Nghiệp vụ Dược", "NVD"),
        ("Chi cục Dân số - Kế hoạch hóa gia đình", "DSKHHGĐ"),
        ("Chi cục An toàn vệ sinh thực phẩm", "ATVSTP"), THANH_TRA_SO)),
    # The smaller bodies keep one office instead of the Sở's three core rooms.
    ("Thanh tra tỉnh", "TTr", "Chánh Thanh tra", (VP,
        ("Phòng Nghiệp vụ 1", "NV1"), ("Phòng Nghiệp vụ 2", "NV2"), ("Phòng Nghiệp vụ 3", "NV3"),
        ("Phòng Tiếp công dân và Xử lý đơn thư", "TCD"), ("Phòng Phòng, chống tham nhũng", "PCTN"))),
    ("Ban Dân tộc", "BDT", "Trưởng ban", (VP,
        ("Phòng Chính sách", "CS"), ("Phòng Kế hoạch - Tổng hợp", "KHTH"), ("Thanh tra Ban", "TTr"))),
    ("Ban Quản lý các khu công nghiệp", "BQLKCN", "Trưởng ban", (VP,
        ("Phòng Quản lý doanh nghiệp", "QLDN"), ("Phòng Quy hoạch và Xây dựng", "QHXD"),
        ("Phòng Quản lý đầu tư", "QLĐT"))),
    ("Sở Ngoại vụ", "SNgV", "Giám đốc", (VP,
        ("Phòng Lãnh sự và Quản lý biên giới", "LSBG"), ("Phòng Hợp tác quốc tế", "HTQT"), THANH_TRA_SO)),
    ("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "VPĐĐBQH", "Chánh Văn phòng", (
        ("Phòng Hành chính - Tổ chức - Quản trị", "HCTCQT"), ("Phòng Công tác Quốc hội", "CTQH"),
        ("Phòng Công tác Hội đồng nhân dân", "CTHĐND"), ("Phòng Thông tin - Dân nguyện", "TTDN"))),
)

DISTRICT_CORE = (
    ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "VP"), ("Phòng Nội vụ", "NV"),
    ("Phòng Tài chính - Kế hoạch", "TCKH"), ("Phòng Tư pháp", "TP"),
    ("Phòng Tài nguyên và Môi trường", "TNMT"), ("Phòng Lao động - Thương binh và Xã hội", "LĐTBXH"),
    ("Phòng Văn hóa và Thông tin", "VHTT"), ("Phòng Giáo dục và Đào tạo", "GDĐT"),
    ("Phòng Y tế", "YT"), ("Thanh tra", "TTr"),
)
URBAN_EXTRA = (("Phòng Kinh tế", "KT"), ("Phòng Quản lý đô thị", "QLĐT"))
RURAL_EXTRA = (
    ("Phòng Nông nghiệp và Phát triển nông thôn", "NN"), ("Phòng Kinh tế và Hạ tầng", "KTHT"),
    ("Phòng Dân tộc", "DT"),
)

COMMUNE_DEPARTMENTS = (
    ("Văn phòng - Thống kê", "VPTK"), ("Địa chính - Xây dựng", "ĐCXD"), ("Tài chính - Kế toán", "TCKT"),
    ("Tư pháp - Hộ tịch", "TPHT"), ("Văn hóa - Xã hội", "VHXH"),
)

# Districts in code order (NN = 22..30), each with the communes under it (MM = 01.. in order).
DISTRICTS = (
    ("thành phố Yên Bái", URBAN_EXTRA, (
        "phường Đồng Tâm", "phường Hồng Hà", "phường Minh Tân", "phường Nguyễn Thái Học",
        "phường Yên Ninh", "xã Tuy Lộc")),
    ("thị xã Nghĩa Lộ", URBAN_EXTRA, (
        "phường Pú Trạng", "phường Trung Tâm", "phường Tân An", "xã Nghĩa Lợi", "xã Hạnh Sơn")),
    ("huyện Lục Yên", RURAL_EXTRA, (
        "thị trấn Yên Thế", "xã Tân Lĩnh", "xã Khánh Hòa", "xã Minh Xuân", "xã Mường Lai")),
    ("huyện Văn Yên", RURAL_EXTRA, (
        "thị trấn Mậu A", "xã An Thịnh", "xã Đông Cuông", "xã Mậu Đông", "xã Ngòi A")),
    ("huyện Mù Cang Chải", RURAL_EXTRA, (
        "thị trấn Mù Cang Chải", "xã La Pán Tẩn", "xã Chế Cu Nha", "xã Kim Nọi")),
    ("huyện Trấn Yên", RURAL_EXTRA, (
        "thị trấn Cổ Phúc", "xã Hòa Cuông", "xã Minh Quân", "xã Việt Thành", "xã Báo Đáp")),
    ("huyện Trạm Tấu", RURAL_EXTRA, ("thị trấn Trạm Tấu", "xã Bản Công", "xã Xà Hồ")),
    ("huyện Văn Chấn", RURAL_EXTRA, (
        "thị trấn Sơn Thịnh", "xã Cát Thịnh", "xã Chấn Thịnh", "xã Đại Lịch", "xã Tú Lệ")),
    ("huyện Yên Bình", RURAL_EXTRA, ("thị trấn Yên Bình", "thị trấn Thác Bà", "xã Cảm Nhân", "xã Vũ Linh")),
)

HOSPITAL_STAFF = ("Bác sĩ", "Bác sĩ", "Điều dưỡng", "Điều dưỡng", "Điều dưỡng", "Kỹ thuật viên", "Dược sĩ")
HOSPITAL_CORE = (("Phòng Tổ chức - Hành chính", "TCHC"), ("Phòng Kế hoạch tổng hợp", "KHTH"))

# Public service units: (parent short name, name, short name, head title, departments, staff titles).
SERVICE_UNITS = (
    ("VPUBND", "Trung tâm Phục vụ hành chính công tỉnh", "TTPVHCC", "Giám đốc", (
        HCTH, ("Bộ phận Tiếp nhận và Trả kết quả", "TNTKQ"),
        ("Phòng Kiểm soát thủ tục hành chính", "KSTT")), ()),
    ("SNV", "Trung tâm Lưu trữ lịch sử tỉnh", "TTLTLS", "Giám đốc", (
        HCTH, ("Phòng Thu thập - Bảo quản", "TTBQ"), ("Phòng Khai thác - Sử dụng", "KTSD")), ()),
    ("STP", "Trung tâm Trợ giúp pháp lý nhà nước", "TTTGPL", "Giám đốc", (
        HCTH, ("Phòng Nghiệp vụ 1", "NV1"), ("Phòng Nghiệp vụ 2", "NV2")), ("Trợ giúp viên pháp lý",)),
    ("SKHĐT", "Trung tâm Xúc tiến đầu tư, thương mại và du lịch", "TTXTĐT", "Giám đốc", (
        HCTH, ("Phòng Xúc tiến đầu tư", "XTĐT"), ("Phòng Xúc tiến thương mại - du lịch", "XTTM")), ()),
    ("SCT", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp", "TTKC", "Giám đốc", (
        HCTH, ("Phòng Khuyến công", "KC"), ("Phòng Tư vấn", "TV")), ()),
    ("SNN", "Trung tâm Khuyến nông tỉnh", "TTKN", "Giám đốc", (
        HCTH, ("Phòng Kỹ thuật", "KT"), ("Phòng Thông tin - Tuyên truyền", "TTTT")), ("Kỹ sư", "Viên chức")),
    ("SGTVT", "Trung tâm Đăng kiểm xe cơ giới", "TTĐK", "Giám đốc", (
        HCTH, ("Phòng Kiểm định", "KĐ"), ("Phòng Kỹ thuật", "KT")), ("Đăng kiểm viên", "Viên chức")),
    ("SXD", "Trung tâm Kiểm định chất lượng công trình xây dựng", "TTKĐXD", "Giám đốc", (
        HCTH, ("Phòng Kiểm định", "KĐ"), ("Phòng Thí nghiệm", "TN")), ("Kỹ sư", "Viên chức")),
    ("STNMT", "Trung tâm Quan trắc tài nguyên và môi trường", "TTQT", "Giám đốc", (
        HCTH, ("Phòng Quan trắc hiện trường", "QTHT"), ("Phòng Phân tích", "PT")), ()),
    ("STNMT", "Văn phòng Đăng ký đất đai", "VPĐKĐĐ", "Giám đốc", (
        HCTH, ("Phòng Đăng ký và Cấp giấy chứng nhận", "ĐKCG"), ("Phòng Kỹ thuật địa chính", "KTĐC"),
        ("Phòng Thông tin - Lưu trữ", "TTLT")), ()),
    ("STTTT", "Trung tâm Công nghệ thông tin và Truyền thông", "TTCNTT", "Giám đốc", (
        HCTH, ("Phòng Kỹ thuật - Hạ tầng", "KTHT"), ("Phòng Phát triển phần mềm", "PM"),
        ("Phòng Dịch vụ", "DV")), ("Kỹ sư", "Viên chức")),
    ("SLĐTBXH", "Trung tâm Dịch vụ việc làm", "TTDVVL", "Giám đốc", (
        HCTH, ("Phòng Tư vấn - Giới thiệu việc làm", "TVGT"), ("Phòng Bảo hiểm thất nghiệp", "BHTN")), ()),
    ("SVHTTDL", "Bảo tàng tỉnh", "BTT", "Giám đốc", (
        HCTH, ("Phòng Sưu tầm - Kiểm kê - Bảo quản", "SKB"), ("Phòng Trưng bày - Tuyên truyền", "TBTT")), ()),
    ("SKHCN", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng", "TTKTTĐC", "Giám đốc", (
        HCTH, ("Phòng Kiểm định - Hiệu chuẩn", "KĐHC"), ("Phòng Thử nghiệm", "TN")), ("Kiểm định viên", "Viên chức")),
    ("SGDĐT", "Trường Trung học phổ thông Chuyên Nguyễn Tất Thành", "THPTC", "Hiệu trưởng", (
        ("Tổ Văn phòng", "VP"), ("Tổ Toán - Tin", "TT"), ("Tổ Ngữ văn", "NV"), ("Tổ Ngoại ngữ", "NN"),
        ("Tổ Khoa học tự nhiên", "KHTN")), ("Giáo viên",)),
    ("SYT", "Bệnh viện Đa khoa tỉnh", "BVĐK", "Giám đốc", HOSPITAL_CORE + (
        ("Phòng Điều dưỡng", "ĐD"), ("Khoa Khám bệnh", "KB"), ("Khoa Nội tổng hợp", "NTH"),
        ("Khoa Ngoại tổng hợp", "NgTH"), ("Khoa Hồi sức cấp cứu", "HSCC")), HOSPITAL_STAFF),
    ("SYT", "Bệnh viện Sản Nhi tỉnh", "BVSN", "Giám đốc", HOSPITAL_CORE + (
        ("Khoa Sản", "S"), ("Khoa Nhi", "N"), ("Khoa Hồi sức tích cực sơ sinh", "HSSS")), HOSPITAL_STAFF),
    ("SYT", "Trung tâm Kiểm soát bệnh tật tỉnh", "CDC", "Giám đốc", (
        ("Phòng Tổ chức - Hành chính", "TCHC"), ("Khoa Phòng, chống bệnh truyền nhiễm", "TN"),
        ("Khoa Xét nghiệm", "XN"), ("Khoa Sức khỏe môi trường - Y tế trường học", "SKMT")),
        ("Bác sĩ", "Y sĩ", "Kỹ thuật viên", "Viên chức")),
)


YEN_BAI = ProvinceTables(PROVINCE_SUFFIX, "Ủy ban nhân dân tỉnh Yên Bái", DEPARTMENT_BODIES, DISTRICTS,
                         SERVICE_UNITS)


def build_agencies(province: ProvinceTables) -> tuple[AgencySpec, ...]:
    """Flatten a province's tables into one list, parents before children, codes filled in."""
    def code(low: int, high: int) -> str:
        return f"000.{low:02d}.{high:02d}.{province.suffix}"

    root_code = code(0, 0)
    specs = [AgencySpec(root_code, province.name, "UBND", "province", None, "Chủ tịch", ROOT_DEPARTMENTS)]
    nn_of = {}
    for nn, (name, short_name, head, departments) in enumerate(province.department_bodies, start=1):
        nn_of[short_name] = nn
        specs.append(AgencySpec(code(0, nn), name, short_name, "department", root_code, head, departments))
    for nn, (place, extra, communes) in enumerate(province.districts, start=len(province.department_bodies) + 1):
        district_code = code(0, nn)
        specs.append(AgencySpec(district_code, f"Ủy ban nhân dân {place}", "UBND", "district", root_code,
                                "Chủ tịch", DISTRICT_CORE + extra))
        specs.extend(
            AgencySpec(code(mm, nn), f"Ủy ban nhân dân {commune}", "UBND", "commune", district_code,
                       "Chủ tịch", COMMUNE_DEPARTMENTS)
            for mm, commune in enumerate(communes, start=1)
        )
    units_so_far: dict[str, int] = {}
    for parent, name, short_name, head, departments, staff in province.service_units:
        mm = units_so_far[parent] = units_so_far.get(parent, 0) + 1
        specs.append(AgencySpec(code(mm, nn_of[parent]), name, short_name, "service_unit", code(0, nn_of[parent]),
                                head, departments, staff))
    return tuple(specs)


AGENCIES = build_agencies(YEN_BAI)
