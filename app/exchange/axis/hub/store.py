"""The stand-in's own tables and operations (SQLAlchemy Core on its own engine, never the app's database)."""
import hashlib
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

metadata = MetaData()

hub_system = Table(
    "hub_system", metadata,
    Column("system_id", String(100), primary_key=True),
    # The axis must hold the secret itself: requests are signed with it (HMAC), never sent with it.
    Column("secret", String(200), nullable=False),
    Column("name", String(255), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

hub_agency = Table(
    "hub_agency", metadata,
    Column("code", String(50), primary_key=True),
    Column("system_id", ForeignKey("hub_system.system_id"), nullable=False, index=True),
    Column("name", String(500), nullable=False, default=""),
    Column("parent_code", String(50), nullable=False, default=""),
    Column("mail", String(255), nullable=False, default=""),
    Column("mobile", String(50), nullable=False, default=""),
    Column("fax", String(50), nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

hub_message = Table(
    "hub_message", metadata,
    Column("doc_id", String(36), primary_key=True),
    Column("system_id", ForeignKey("hub_system.system_id"), nullable=False, index=True),
    Column("from_code", String(100), nullable=False),
    Column("message_type", String(10), nullable=False),
    Column("service_type", String(20), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One row per recipient agency: its id is the receiver's doc id (getReceivedEdocList/getEdoc/updateStatus).
hub_delivery = Table(
    "hub_delivery", metadata,
    Column("doc_id", String(36), primary_key=True),
    Column("message_id", ForeignKey("hub_message.doc_id"), nullable=False, index=True),
    Column("to_code", String(50), nullable=False),
    Column("system_id", ForeignKey("hub_system.system_id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("status_desc", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_hub_delivery_pending", "system_id", "status"),
)

PENDING = "pending"
# Still listed until acknowledged: delivery is at-least-once, so "processing" keeps a package listed.
LISTED_STATUSES = (PENDING, "processing")
ACK_STATUSES = ("done", "fail", "processing")
STATUS_DESCRIPTIONS = {PENDING: "Chờ nhận", "processing": "Đang xử lý", "done": "Đã nhận", "fail": "Nhận lỗi"}
MESSAGE_TYPES = ("edoc", "status")


class HubRefusal(Exception):
    """The stand-in refuses a request; `http_status` and a reason for the caller."""

    def __init__(self, http_status: int, reason: str, error_code: str = "1"):
        super().__init__(reason)
        self.http_status = http_status
        self.reason = reason
        self.error_code = error_code


def open_hub_engine(database_url: str) -> Engine:
    """Return the stand-in's engine with its tables created (its own small schema, no migrations)."""
    options = {"connect_args": {"timeout": 30}} if database_url.startswith("sqlite") else {"pool_pre_ping": True}
    engine = create_engine(database_url, **options)
    metadata.create_all(engine)
    return engine


def _now() -> datetime:
    return datetime.now(UTC)


def register_system(conn: Connection, system_id: str, *, secret: str | None, name: str = "") -> str:
    """Create or update a connected system; return its secret (kept when `secret` is None)."""
    row = conn.execute(select(hub_system).where(hub_system.c.system_id == system_id)).first()
    if row is None:
        if not secret:
            raise HubRefusal(400, "Hệ thống mới cần có khóa bí mật.")
        conn.execute(insert(hub_system).values(system_id=system_id, secret=secret, name=name, created_at=_now()))
        return secret
    changes = {"secret": secret} if secret else {}
    if name:
        changes["name"] = name
    if changes:
        conn.execute(update(hub_system).where(hub_system.c.system_id == system_id).values(**changes))
    return secret or row.secret


def secret_of(conn: Connection, system_id: str) -> str | None:
    """Return the secret of a registered system, or None."""
    return conn.execute(select(hub_system.c.secret).where(hub_system.c.system_id == system_id)).scalar()


def register_agency(conn: Connection, system_id: str, *, code: str, name: str, parent_code: str = "",
                    mail: str = "", mobile: str = "", fax: str = "") -> None:
    """Register (or update) an agency as reachable through `system_id`."""
    code = (code or "").strip()
    if not code:
        raise HubRefusal(400, "Thiếu mã định danh đơn vị.")
    owner = conn.execute(select(hub_agency.c.system_id).where(hub_agency.c.code == code)).scalar()
    if owner is not None and owner != system_id:
        raise HubRefusal(409, f"Mã định danh {code} đã được hệ thống khác đăng ký.")
    values = {"name": name or "", "parent_code": parent_code or "", "mail": mail or "", "mobile": mobile or "",
              "fax": fax or "", "updated_at": _now()}
    if owner is None:
        conn.execute(insert(hub_agency).values(code=code, system_id=system_id, **values))
    else:
        conn.execute(update(hub_agency).where(hub_agency.c.code == code).values(**values))


def list_agencies(conn: Connection) -> list[dict]:
    """Return the directory in the SDK's getAgenciesList shape."""
    rows = conn.execute(select(hub_agency).order_by(hub_agency.c.code))
    return [{"id": row.code, "code": row.code, "name": row.name, "pid": row.parent_code, "mail": row.mail,
             "oldCode": ""} for row in rows]


def recipient_codes(raw: str) -> list[str]:
    """Read the `to` parameter: the JSON of a list or a string (as the SDK sends it), or a comma list."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    items = value if isinstance(value, list) else str(value).split(",")
    codes = []
    for item in items:
        code = str(item).strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def send_edoc(conn: Connection, system_id: str, *, from_code: str, to_codes: list[str], message_type: str,
              service_type: str, content: bytes, claimed_sha256: str = "") -> str:
    """Store a package and queue one delivery per recipient agency; return the sender's doc id."""
    if message_type not in MESSAGE_TYPES:
        raise HubRefusal(400, f"Loại gói tin không hợp lệ: {message_type or '(trống)'}.")
    if not content:
        raise HubRefusal(400, "Gói tin rỗng.")
    digest = hashlib.sha256(content).hexdigest()
    if claimed_sha256 and claimed_sha256.lower() != digest:
        raise HubRefusal(400, "Mã băm tệp (hash-file) không khớp nội dung nhận được.")
    if from_code != system_id:
        owner = conn.execute(select(hub_agency.c.system_id).where(hub_agency.c.code == from_code)).scalar()
        if owner != system_id:
            raise HubRefusal(403, f"Nơi gửi {from_code} không thuộc hệ thống {system_id}.")
    if not to_codes:
        raise HubRefusal(400, "Thiếu nơi nhận (to).")
    owners = dict(conn.execute(select(hub_agency.c.code, hub_agency.c.system_id)
                               .where(hub_agency.c.code.in_(to_codes))).all())
    unknown = [code for code in to_codes if code not in owners]
    if unknown:
        raise HubRefusal(400, "Không có đơn vị nhận trên trục: " + ", ".join(unknown) + ".")
    now = _now()
    doc_id = str(uuid.uuid4())
    conn.execute(insert(hub_message).values(doc_id=doc_id, system_id=system_id, from_code=from_code,
                                            message_type=message_type, service_type=service_type or "eDoc",
                                            content=content, sha256=digest, created_at=now))
    conn.execute(insert(hub_delivery), [
        {"doc_id": str(uuid.uuid4()), "message_id": doc_id, "to_code": code, "system_id": owners[code],
         "status": PENDING, "status_desc": "", "created_at": now, "updated_at": now} for code in to_codes])
    return doc_id


def _received(system_id: str):
    return (select(hub_delivery, hub_message.c.from_code, hub_message.c.message_type, hub_message.c.service_type)
            .join(hub_message, hub_message.c.doc_id == hub_delivery.c.message_id)
            .where(hub_delivery.c.system_id == system_id))


def list_received(conn: Connection, system_id: str, message_type: str = "") -> list[dict]:
    """Return what waits for `system_id` (not yet acknowledged), oldest first."""
    query = _received(system_id).where(hub_delivery.c.status.in_(LISTED_STATUSES))
    if message_type:
        query = query.where(hub_message.c.message_type == message_type)
    rows = conn.execute(query.order_by(hub_delivery.c.created_at, hub_delivery.c.doc_id))
    return [{"docId": row.doc_id, "serviceType": row.service_type, "messageType": row.message_type,
             "created_time": _stamp(row.created_at), "updated_time": _stamp(row.updated_at),
             "from": row.from_code, "to": row.to_code, "status": row.status,
             "status_desc": row.status_desc or STATUS_DESCRIPTIONS[row.status]} for row in rows]


def get_edoc(conn: Connection, system_id: str, doc_id: str) -> bytes:
    """Return the package bytes of a delivery addressed to `system_id`."""
    content = conn.execute(
        select(hub_message.c.content).join(hub_delivery, hub_message.c.doc_id == hub_delivery.c.message_id)
        .where(hub_delivery.c.doc_id == doc_id, hub_delivery.c.system_id == system_id)).scalar()
    if content is None:
        raise HubRefusal(404, f"Không có gói tin {doc_id} gửi cho hệ thống này.")
    return content


def update_status(conn: Connection, system_id: str, doc_id: str, status: str, description: str = "") -> None:
    """Acknowledge a delivery: done or fail end it, processing keeps it listed."""
    if status not in ACK_STATUSES:
        raise HubRefusal(400, f"Trạng thái không hợp lệ: {status or '(trống)'} (done, fail, processing).")
    result = conn.execute(update(hub_delivery)
                          .where(hub_delivery.c.doc_id == doc_id, hub_delivery.c.system_id == system_id)
                          .values(status=status, status_desc=description or STATUS_DESCRIPTIONS[status],
                                  updated_at=_now()))
    if result.rowcount == 0:
        raise HubRefusal(404, f"Không có gói tin {doc_id} gửi cho hệ thống này.")


def list_sent(conn: Connection, system_id: str, doc_id: str = "") -> list[dict]:
    """Return the deliveries of what `system_id` sent, one row per recipient agency."""
    query = (select(hub_delivery, hub_message.c.from_code, hub_message.c.created_at.label("sent_at"))
             .join(hub_message, hub_message.c.doc_id == hub_delivery.c.message_id)
             .where(hub_message.c.system_id == system_id))
    if doc_id:
        query = query.where(hub_message.c.doc_id == doc_id)
    rows = conn.execute(query.order_by(hub_message.c.created_at, hub_delivery.c.to_code))
    return [{"senderDocId": row.message_id, "receiverDocId": row.doc_id, "fromCode": row.from_code,
             "toCode": row.to_code, "sendStatus": "done", "sendStatusDesc": "Đã gửi lên trục",
             "receiveStatus": row.status, "receiveStatusDesc": row.status_desc or STATUS_DESCRIPTIONS[row.status],
             "sentTime": _stamp(row.sent_at),
             "receivedTime": "" if row.status == PENDING else _stamp(row.updated_at),
             "title": "", "notation": ""} for row in rows]


def hub_counts(conn: Connection) -> dict:
    """Return how many systems, agencies and waiting deliveries the stand-in holds (its index page)."""
    return {
        "systems": conn.execute(select(func.count()).select_from(hub_system)).scalar(),
        "agencies": conn.execute(select(func.count()).select_from(hub_agency)).scalar(),
        "pending": conn.execute(select(func.count()).select_from(hub_delivery)
                                .where(hub_delivery.c.status.in_(LISTED_STATUSES))).scalar(),
    }


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y/%m/%d %H:%M:%S") if moment else ""
