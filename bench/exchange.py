"""Time the edXML package format: packages built and parsed per second with a 2 MB PDF attachment.

Usage: .venv/bin/python bench/exchange.py [--rounds N]

The attachment is a 2 MB PDF-shaped file of random bytes (incompressible, like a scanned document), so
zipping costs what it costs on real scans. Measured apart: build (model → XML with zip + base64),
sign (RSA-2048, SHA-256, the whole document referenced), parse (safe parser, base64 + unzip, every
field) and verify (digest + signature + chain to the demo root). No database is needed.

Then the end-to-end latency through the axis stand-in (bench/exchange_roundtrip.py).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exchange_roundtrip import roundtrip_section  # noqa: E402

from app.exchange.edxml import (  # noqa: E402
    Attachment,
    Bussiness,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    PromulgationInfo,
    TraceHeader,
    build_package,
    document_id,
    parse_package,
)
from app.exchange.edxml.signature import sign_package, verify_signature  # noqa: E402
from app.signing.demo_pki import ensure_demo_pki  # noqa: E402
from app.vietnam_time import VIETNAM  # noqa: E402

PDF_BYTES = 2 * 1024 * 1024


def sample_package(pdf: bytes) -> DocumentPackage:
    day = date(2026, 3, 4)
    return DocumentPackage(
        sender=Organization("000.00.00.H63", organ_name="Văn phòng UBND tỉnh Yên Bái"),
        to=[Organization("000.00.00.G22", organ_name="Văn phòng Chính phủ")],
        document_id=document_id("000.00.00.H63", day, "125", "UBND-VP"), code=Code("125", "UBND-VP"),
        promulgation=PromulgationInfo("Yên Bái", day), document_type=DocumentType(1, 0, "Công văn"),
        subject="V/v đo tốc độ đóng gói edXML", trace_headers=[TraceHeader("000.00.00.H63", datetime.now(VIETNAM))],
        bussiness=Bussiness(0), attachments=[Attachment("cid:1", "van-ban.pdf", pdf, "application/pdf")])


def _rate(step, rounds: int) -> tuple[float, float]:
    """Runs per second and the median milliseconds of one run."""
    times = []
    for _ in range(rounds):
        begun = time.perf_counter()
        step()
        times.append(time.perf_counter() - begun)
    return len(times) / sum(times), statistics.median(times) * 1000


def format_section(args) -> list[str]:
    pdf = b"%PDF-1.7\n" + os.urandom(PDF_BYTES - 9)
    package = sample_package(pdf)
    pki = ensure_demo_pki(Path(tempfile.mkdtemp(prefix="bench-edxml-pki-")))
    seal = pki.issue_organisation("000.00.00.H63", "Ủy ban nhân dân tỉnh Yên Bái")
    certificates = [seal.certificate, *seal.ca_chain]
    unsigned = build_package(package)
    signed = sign_package(unsigned, key=seal.private_key, certificates=certificates)
    assert parse_package(signed).package.attachments[0].data == pdf
    trust = {"trust_roots": [pki.trust_root], "crls": pki.crls()}
    assert verify_signature(signed, **trust).verdict == "valid"
    steps = {
        "build": lambda: build_package(package),
        "build + sign": lambda: sign_package(build_package(package), key=seal.private_key,
                                             certificates=certificates),
        "parse": lambda: parse_package(signed),
        "parse + verify": lambda: verify_signature(parse_package(signed).root, **trust),
    }
    lines = [f"edXML package, one {PDF_BYTES // 1024} KB PDF (package {len(signed) / 1024 / 1024:.2f} MB), "
             f"{args.rounds} rounds each:"]
    for name, step in steps.items():
        step()  # warm up
        per_second, median_ms = _rate(step, args.rounds)
        lines.append(f"  {name:<15} {per_second:7.1f} packages/s   median {median_ms:7.1f} ms")
    return lines


SECTIONS = [format_section, roundtrip_section]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--roundtrips", type=int, default=10, help="documents sent A → stand-in → B")
    args = parser.parse_args()
    for section in SECTIONS:
        print("\n".join(section(args)))


if __name__ == "__main__":
    main()
