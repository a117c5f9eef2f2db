"""Bodies and answers of the dossier list's changes, closing, export, packages and retention (/api/v1)."""
from typing import Annotated, Literal

from pydantic import Field

from app.web.routing import MAX_ID

from .dossier_schemas import DossierOut
from .schemas import PageQuery, Strict

DossierId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Code = Annotated[str, Field(min_length=1, max_length=100)]


class DossierFieldsBody(Strict):
    """What PATCH may change; a field left out keeps its value (the service checks them all together)."""

    notation: str = Field(None, max_length=200, description="số và ký hiệu hồ sơ, ví dụ TH.01")
    title: str = Field(None, max_length=2000)
    department_id: int | None = Field(None, ge=1, le=MAX_ID, strict=True, description="đơn vị lập hồ sơ")
    responsible_id: int | None = Field(None, ge=1, le=MAX_ID, strict=True, description="người lập hồ sơ")
    retention_id: int = Field(None, ge=1, le=MAX_ID, strict=True, description="thời hạn bảo quản")
    access: Literal["public", "restricted", "secret"] = Field(None, description="chế độ sử dụng")
    note: str = Field(None, max_length=2000)


class NewDossierBody(DossierFieldsBody):
    year: int = Field(ge=1900, le=2999, strict=True, description="năm của danh mục hồ sơ")
    notation: str = Field(max_length=200, description="số và ký hiệu hồ sơ, ví dụ TH.01")
    title: str = Field(max_length=2000)
    retention_id: int = Field(ge=1, le=MAX_ID, strict=True, description="thời hạn bảo quản")
    access: Literal["public", "restricted", "secret"] = Field("public", description="chế độ sử dụng")
    note: str = Field("", max_length=2000)


class CopyYearBody(Strict):
    year: int = Field(ge=1900, le=2999, strict=True, description="năm nhận bản sao danh mục của năm trước")


class CopiedOut(Strict):
    year: int
    dossier_ids: list[int]


class ClosingFailure(Strict):
    name: str
    reason: str


class ClosedOut(Strict):
    dossier: DossierOut
    documents: int
    converted: int = Field(description="số bản PDF/A mới tạo khi đóng")
    failures: list[ClosingFailure] = Field(description="tệp không chuyển được sang PDF/A (bản gốc vẫn được giữ)")


class LegalHoldBody(Strict):
    on: bool = Field(strict=True, description="true: đặt giữ; false: bỏ giữ")
    reason: str = Field(max_length=2000, description="văn bản, yêu cầu của cơ quan có thẩm quyền")


class PackageBody(Strict):
    """The closed dossiers to hand over, by id or by code (one of the two)."""

    dossier_ids: list[DossierId] | None = Field(None, min_length=1, max_length=200)
    codes: list[Code] | None = Field(None, min_length=1, max_length=200, description="mã hồ sơ")
    receiver: str | None = Field(None, max_length=2000, description="bên nhận; mặc định Lưu trữ cơ quan")


class ProposalQuery(PageQuery):
    state: Literal["", "proposed", "kept", "approved"] = Field(
        "", description="proposed: chờ quyết định; kept: giữ lại thêm; approved: đưa ra xét hủy")


class ProposalOut(Strict):
    id: int
    dossier_id: int
    dossier_code: str
    dossier_title: str
    state: Literal["proposed", "kept", "approved"]
    retention_ended_on: str
    proposed_at: str
    decided_at: str | None
    decided_by: str | None
    reason: str
    keep_until_year: int | None
    legal_hold: bool


class DecisionBody(Strict):
    decision: Literal["kept", "approved"] = Field(description="kept: giữ lại thêm; approved: đưa ra xét hủy")
    reason: str = Field("", max_length=5000)
    keep_until_year: int | None = Field(None, ge=1900, le=2999, strict=True, description="năm xem xét lại (kept)")
