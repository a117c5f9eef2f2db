"""The demo provinces `flask seed-demo --province KEY` can build: Yên Bái (the default, the customer's
province) and Lào Cai, a smaller neighbour for the second installation of the liên thông demo.

Lào Cai reuses the Sở tables of agencies.py (their names carry no province) in the same code order, so
its Văn phòng UBND is 000.00.01.H38 and receives for 000.00.00.H38 as Yên Bái's does for H63.
"""
from typing import NamedTuple

from .agencies import (
    AGENCIES,
    DEPARTMENT_BODIES,
    RURAL_EXTRA,
    SERVICE_UNITS,
    URBAN_EXTRA,
    AgencySpec,
    ProvinceTables,
    build_agencies,
)


class DemoProvince(NamedTuple):
    key: str  # `flask seed-demo --province KEY`, DEMO_PROVINCE
    place: str  # the province's name on its own ("Lào Cai")
    agencies: tuple[AgencySpec, ...]
    seed: int  # any constant keeps the demo identical from one install to the next
    total_users: int
    # The fixed accounts (seed.py) keep their usernames in every province; these are the people holding them.
    fixed_names: dict[str, str]

    @property
    def root(self) -> AgencySpec:
        return self.agencies[0]


def _bodies(*short_names: str) -> tuple:
    by_short_name = {body[1]: body for body in DEPARTMENT_BODIES}
    return tuple(by_short_name[short_name] for short_name in short_names)


LAO_CAI_TABLES = ProvinceTables(
    "H38", "Ủy ban nhân dân tỉnh Lào Cai",
    # Văn phòng, Nội vụ, Tài chính first: the demo's documents go between these in both provinces.
    _bodies("VPUBND", "SNV", "STC", "SKHĐT", "STP", "STTTT", "SGDĐT", "SYT"),
    (
        ("thành phố Lào Cai", URBAN_EXTRA, (
            "phường Cốc Lếu", "phường Duyên Hải", "phường Kim Tân", "phường Bắc Cường", "xã Cam Đường")),
        ("thị xã Sa Pa", URBAN_EXTRA, ("phường Sa Pa", "phường Cầu Mây", "xã Tả Van", "xã Bản Hồ")),
        ("huyện Bát Xát", RURAL_EXTRA, ("thị trấn Bát Xát", "xã Y Tý", "xã A Mú Sung", "xã Mường Hum")),
        ("huyện Bảo Thắng", RURAL_EXTRA, ("thị trấn Phố Lu", "thị trấn Tằng Loỏng", "xã Xuân Quang", "xã Gia Phú")),
    ),
    tuple(unit for unit in SERVICE_UNITS if unit[2] in ("TTPVHCC", "TTLTLS", "TTCNTT", "BVĐK", "CDC")),
)

YEN_BAI_PROVINCE = DemoProvince("yenbai", "Yên Bái", AGENCIES, seed=63, total_users=4129, fixed_names={})
LAO_CAI_PROVINCE = DemoProvince(
    "laocai", "Lào Cai", build_agencies(LAO_CAI_TABLES), seed=38, total_users=1500,
    # Invented, like every demo name: no real official's.
    fixed_names={
        "vanthu.ubnd": "Vàng Thị Mai", "lanhdao.ubnd": "Đinh Quang Trung", "truongphong.ubnd": "Nguyễn Thanh Tùng",
        "chuyenvien.ubnd": "Lù Thị Hoa", "kiemtra.ubnd": "Trần Minh Đức", "vanthu.snv": "Lý Thị Thu Trang",
        "lanhdao.snv": "Hoàng Văn Tiến", "truongphong.snv": "Đặng Thị Kim Oanh", "chuyenvien.snv": "Giàng A Páo",
        "thietke": "Phạm Quang Vinh", "kiemtoan": "Ngô Thị Lan", "quantri": "Vũ Đức Long",
    })

PROVINCES = {province.key: province for province in (YEN_BAI_PROVINCE, LAO_CAI_PROVINCE)}
DEFAULT_PROVINCE = YEN_BAI_PROVINCE.key
