"""The liên thông demo on the axis stand-in: `flask exchange hub --demo` registers the two demo installations
(Yên Bái, Lào Cai) and the ministries, and writes each installation's AXIS_* settings to a file.

The secrets are random, generated on the first run and kept afterwards (registering again is idempotent);
they reach the installations through `axis-KEY.env` in the stand-in's instance folder, which `make run-axis`
and `make run-peer` read, so nobody copies a secret by hand and no fixed secret ships in the code.

The ministries the demo documents come from and go to (Văn phòng Chính phủ, Bộ Nội vụ, …) are outside both
installations. On the national axis they are connected, so here one more system holds their codes: packages
addressed to them are accepted and kept by the stand-in (counted as waiting on its page) and nobody answers.
Without it the axis would refuse the demo's letter to Văn phòng Chính phủ, and every status the clerks send
back to a ministry, and each would land in "Gửi lỗi" although the demo shows them as delivered.
"""
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection

from app.directory.demo.agencies import AgencySpec
from app.directory.demo.provinces import LAO_CAI_PROVINCE, YEN_BAI_PROVINCE, DemoProvince
from app.documents.demo.letters import EXTERNAL_ISSUERS

from .axis.hub import store

MINISTRIES_SYSTEM = "bo-nganh.mo-phong"


@dataclass(frozen=True)
class DemoSystem:
    province: DemoProvince

    @property
    def system_id(self) -> str:
        return f"{self.province.key}.demo"

    @property
    def env_file_name(self) -> str:
        return f"axis-{self.province.key}.env"


DEMO_SYSTEMS = (DemoSystem(YEN_BAI_PROVINCE), DemoSystem(LAO_CAI_PROVINCE))


def register_demo_systems(conn: Connection) -> dict[str, str]:
    """Register the demo installations with every agency of their provinces, and the ministries' system;
    return each installation's secret by system id (kept from an earlier run)."""
    kept = {}
    for system in DEMO_SYSTEMS:
        place = system.province.place
        kept[system.system_id] = _register(conn, system.system_id, f"Liên Thông tỉnh {place} (demo)", [
            (agency.code, _name_on_axis(agency, place), agency.parent_code or "")
            for agency in system.province.agencies])
    ministries = [(issuer.code, issuer.name, "") for issuer in EXTERNAL_ISSUERS.values() if issuer.code]
    _register(conn, MINISTRIES_SYSTEM, "Bộ, ngành (mô phỏng: nhận và giữ gói tin, không trả lời)", ministries)
    return kept


def _name_on_axis(agency: AgencySpec, place: str) -> str:
    """The name other systems see: "Sở Nội vụ" is in every province, "Sở Nội vụ tỉnh Lào Cai" in one."""
    if agency.kind in ("province", "district", "commune"):
        return agency.name  # "Ủy ban nhân dân huyện Bát Xát" names its place already
    return f"{agency.name} {place}" if agency.name.endswith(" tỉnh") else f"{agency.name} tỉnh {place}"


def _register(conn: Connection, system_id: str, name: str, agencies: list[tuple[str, str, str]]) -> str:
    existing = store.secret_of(conn, system_id)
    secret = store.register_system(conn, system_id, name=name,
                                   secret=None if existing else secrets.token_urlsafe(32))
    for code, agency_name, parent_code in agencies:
        store.register_agency(conn, system_id, code=code, name=agency_name, parent_code=parent_code)
    return secret


def write_env_files(folder: Path, endpoint: str, secrets_by_system: dict[str, str]) -> list[Path]:
    """Write `axis-KEY.env` (readable by its owner only) for each demo installation; return the paths."""
    written = []
    for system in DEMO_SYSTEMS:
        path = folder / system.env_file_name
        text = (f"# Trục liên thông BẢN MÔ PHỎNG cho hệ thống minh họa tỉnh {system.province.place}; "
                f"ghi bởi `flask exchange hub --demo`.\n"
                f"AXIS_ENDPOINT={endpoint}\nAXIS_SYSTEM_ID={system.system_id}\n"
                f"AXIS_SECRET={secrets_by_system[system.system_id]}\n")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        written.append(path)
    return written
