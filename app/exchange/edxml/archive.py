"""Attachment transfer encoding: each file zipped on its own, then base64 (what the national axis sends).

Unpacking guards against zip bombs: the declared size of the entry and the bytes actually inflated
are both held to a limit.
"""
import base64
import binascii
import io
import zipfile

from flask_babel import gettext as _

from .safe_xml import PackageRefused

DEFAULT_MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
# A fixed entry time keeps the encoded bytes a function of the file alone (golden tests, dedup).
_ENTRY_TIME = (2016, 1, 1, 0, 0, 0)
_ZIP_MAGIC = b"PK\x03\x04"


def encode_attachment(name: str, data: bytes) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(_entry_name(name), date_time=_ENTRY_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _entry_name(name: str) -> str:
    # Only the last path component: a name is data from the sender, never a path to honour.
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "attachment"


def decode_attachment(text: str | None, name: str, warnings: list[str], *,
                      max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> bytes:
    """The original file bytes; PackageRefused when the content is not base64 or a broken zip."""
    try:
        raw = base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise PackageRefused([_("Tệp đính kèm \"%(name)s\" không giải mã được (base64 hỏng).", name=name)]) from None
    if not raw:
        raise PackageRefused([_("Tệp đính kèm \"%(name)s\" không có nội dung.", name=name)])
    if not raw.startswith(_ZIP_MAGIC):
        warnings.append(_("Tệp đính kèm \"%(name)s\" không được nén zip như quy định; đã nhận nguyên bản.",
                          name=name))
        return raw
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = [entry for entry in archive.infolist() if not entry.is_dir()]
            if len(entries) != 1:
                warnings.append(_("Tệp nén của \"%(name)s\" chứa %(count)s tệp; đã giữ nguyên tệp nén.",
                                  name=name, count=len(entries)))
                return raw
            return _inflate(archive, entries[0], name, max_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
        raise PackageRefused([_("Tệp đính kèm \"%(name)s\" không giải nén được (tệp zip hỏng).", name=name)]) from None


def _inflate(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, max_bytes: int) -> bytes:
    too_big = PackageRefused([_("Tệp đính kèm \"%(name)s\" khi giải nén vượt giới hạn %(limit)s MB.",
                                name=name, limit=max_bytes // (1024 * 1024))])
    if entry.file_size > max_bytes:
        raise too_big
    with archive.open(entry) as stream:
        data = stream.read(max_bytes + 1)  # the declared size may lie; read no further than the limit
    if len(data) > max_bytes:
        raise too_big
    return data

