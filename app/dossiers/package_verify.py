"""Kiểm tra gói nộp lưu: METS.xml against the schemas, then every file it names recomputed against its PREMIS
fixity; each difference said in Vietnamese. Reads a ZIP or an unpacked directory."""
import hashlib
import zipfile
from pathlib import Path, PurePosixPath

from .package_mets import files_in, schema_errors

MAX_METS_BYTES = 64 * 1024 * 1024
CHUNK = 1 << 16


class _Zip:
    def __init__(self, path: Path):
        self.archive = zipfile.ZipFile(path)
        self.names = set(self.archive.namelist())

    def has(self, name: str) -> bool:
        return name in self.names

    def open(self, name: str):
        return self.archive.open(name)

    def extra(self, named: set[str]) -> set[str]:
        return {n for n in self.names if not n.endswith("/")} - named - {"METS.xml"}


class _Directory:
    def __init__(self, path: Path):
        self.root = path.resolve()

    def _path(self, name: str) -> Path | None:
        path = (self.root / name).resolve()
        return path if path.is_relative_to(self.root) else None

    def has(self, name: str) -> bool:
        path = self._path(name)
        return path is not None and path.is_file()

    def open(self, name: str):
        return self._path(name).open("rb")

    def extra(self, named: set[str]) -> set[str]:
        present = {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}
        return present - named - {"METS.xml"}


def _safe(name: str) -> bool:
    path = PurePosixPath(name or "")
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\x00" not in name


def verify_package(path: Path) -> list[str]:
    """What differs between the package and its METS.xml (empty: the package is whole)."""
    path = Path(path)
    try:
        package = _Directory(path) if path.is_dir() else _Zip(path)
    except (OSError, zipfile.BadZipFile):
        return [f"Không đọc được gói {path}: không phải tệp ZIP hay thư mục gói nộp lưu."]
    if not package.has("METS.xml"):
        return ["Gói không có METS.xml ở thư mục gốc."]
    with package.open("METS.xml") as stream:
        mets = stream.read(MAX_METS_BYTES + 1)
    if len(mets) > MAX_METS_BYTES:
        return ["METS.xml quá lớn."]
    errors = schema_errors(mets)
    if errors:
        return ["METS.xml không hợp lệ theo lược đồ METS/PREMIS: " + e for e in errors[:20]]
    problems = []
    named = set()
    for name, expected, size in files_in(mets):
        named.add(name)
        if not _safe(name):
            problems.append(f"METS.xml ghi đường dẫn không hợp lệ: {name!r}.")
        elif not package.has(name):
            problems.append(f"Thiếu tệp {name}.")
        else:
            digest, actual = hashlib.sha256(), 0
            with package.open(name) as stream:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    actual += len(chunk)
            if digest.hexdigest() != expected:
                problems.append(f"Tệp {name} đã bị thay đổi: SHA-256 {digest.hexdigest()} khác giá trị "
                                f"trong PREMIS {expected}.")
            elif actual != size:
                problems.append(f"Tệp {name} có {actual} byte, PREMIS ghi {size} byte.")
    for name in sorted(package.extra(named)):
        problems.append(f"Tệp {name} có trong gói nhưng METS.xml không ghi.")
    return problems
