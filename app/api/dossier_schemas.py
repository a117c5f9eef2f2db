"""The dossiers' bodies (/api/v1/dossiers), beside schemas.py."""
from typing import Literal

from pydantic import Field

from app.web.routing import MAX_ID

from .schemas import PageQuery, Strict


class DossierQuery(PageQuery):
    year: int | None = Field(None, ge=1900, le=2999, description="năm của danh mục hồ sơ")
    status: Literal["", "open", "closed"] = Field("", description="open: đang lập; closed: đã đóng")


class FileIntoDossierBody(Strict):
    document_id: int = Field(ge=1, le=MAX_ID, strict=True, description="văn bản đã xử lý xong của cơ quan")


class NamedRef(Strict):
    id: int
    name: str


class RetentionOut(Strict):
    name: str
    years: int | None = Field(description="None: bảo quản vĩnh viễn")


class DossierOut(Strict):
    id: int
    code: str = Field(description="mã hồ sơ: mã định danh cơ quan . năm . ký hiệu")
    year: int
    notation: str
    title: str
    department: NamedRef | None
    responsible: NamedRef | None
    retention: RetentionOut
    access: Literal["public", "restricted", "secret"]
    status: Literal["open", "closed"]
    legal_hold: bool
    closed_at: str | None
    handed_over_at: str | None = Field(description="nộp lưu: when the latest preservation package was built")
    document_count: int


class ContentsItem(Strict):
    """One line of the Mục lục văn bản; a secret document the caller may not open has no symbol, subject or author."""

    position: int
    document_id: int
    hidden: bool
    symbol: str
    document_date: str
    subject: str
    author: str
    page_count: int | None
    secrecy: int


class DossierFull(DossierOut):
    contents: list[ContentsItem]


class DossierFiled(Strict):
    dossier_id: int
    document_id: int
    position: int = Field(description="số thứ tự của văn bản trong hồ sơ")
