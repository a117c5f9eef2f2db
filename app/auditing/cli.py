"""`flask audit …` commands."""
import click
from flask import current_app
from sqlalchemy import select

from app.audit.anchor_log import anchor_log_path
from app.audit.anchors import AnchorRefused, anchor_chain, start_anchor_log, verify_anchors
from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.cli_failure import USAGE_EXIT_CODE, VietnameseGroup, fail
from app.directory.models import Agency
from app.extensions import db
from app.vietnam_time import parse_day_or_none, start_of_day
from app.workflow.models import ProcessInstance

from .replay_checks import check_instance, verdict_text

audit_cli = VietnameseGroup("audit", help="Nhật ký kiểm toán (audit chain).")


@audit_cli.command("verify")
def verify_command():
    """Walk the audit chain and check its anchors; exit 1 at the first problem."""
    report = verify_chain()
    if not report.intact:
        click.echo(f"Chuỗi nhật ký BỊ HỎNG tại sự kiện số {report.broken_seq}: {report.problem}", err=True)
        click.echo(f"Các sự kiện trước đó ({report.verified}) vẫn toàn vẹn.", err=True)
        raise SystemExit(1)
    click.echo(f"Chuỗi nhật ký toàn vẹn: {report.verified} sự kiện đã kiểm tra.")
    anchors = verify_anchors(current_app.config)
    if not anchors.intact:
        click.echo(f"Mốc neo BÁO LỖI: {anchors.problem}", err=True)
        raise SystemExit(1)
    if anchors.last_anchored_seq is not None:
        click.echo(f"Mốc neo hợp lệ: {anchors.checked} mốc trong cơ sở dữ liệu, {anchors.logged} mốc trong sổ neo "
                   f"{anchor_log_path(current_app.config)}; mốc cuối xác nhận đến sự kiện số "
                   f"{anchors.last_anchored_seq}.")
    else:
        click.echo("Chưa có mốc neo nào (flask audit anchor); chưa có sự kiện nào quá hạn neo.")
    if anchors.log_only:
        click.echo(f"Lưu ý: {anchors.log_only} mốc chỉ có trong sổ neo (giao dịch neo bị hủy hoặc dòng trong cơ sở "
                   "dữ liệu bị xóa); chúng vẫn khớp với chuỗi nên vẫn bảo vệ lịch sử đến đó.")


@audit_cli.command("anchor")
def anchor_command():
    """Sign the chain's current head with the installation's key (the job runner does it hourly)."""
    try:
        anchor = anchor_chain(current_app.config)
    except OSError:
        db.session.rollback()
        fail(_unwritable_log() + " Chưa neo.")
    db.session.commit()
    if anchor is None:
        click.echo("Đầu chuỗi đã được neo; không có sự kiện mới.")
    else:
        click.echo(f"Đã neo đầu chuỗi tại sự kiện số {anchor.seq}.")


@audit_cli.command("start-anchor-log")
def start_anchor_log_command():
    """Copy the database's anchors into a new anchor log (once, for an installation older than the log)."""
    path = anchor_log_path(current_app.config)
    try:
        copied = start_anchor_log(current_app.config)
    except FileExistsError:
        fail(f"Sổ neo {path} đã có: không ghi đè, không chép lại.")
    except AnchorRefused as refused:
        fail(f"Không tạo sổ neo: {refused.problem}")
    except OSError:
        fail(_unwritable_log())
    click.echo(f"Đã tạo sổ neo {path} với {copied} mốc neo có trong cơ sở dữ liệu.")


def _unwritable_log() -> str:
    return f"Không ghi được sổ neo {anchor_log_path(current_app.config)} (thư mục không có hoặc không có quyền ghi)."


@audit_cli.command("replay")
@click.option("--instance", "instance_ids", type=int, multiple=True, help="Hồ sơ cần phát lại (lặp lại được).")
@click.option("--agency", "agency_code", help="Chỉ hồ sơ của cơ quan mã này.")
@click.option("--since", help="Chỉ hồ sơ bắt đầu từ ngày (dd/mm/yyyy).")
@click.option("--all", "everything", is_flag=True, help="Mọi hồ sơ.")
def replay_command(instance_ids, agency_code, since, everything):
    """Replay instances from the audit chain and report which do not match it."""
    statement = select(ProcessInstance.id).order_by(ProcessInstance.id)
    if instance_ids:
        statement = statement.where(ProcessInstance.id.in_(instance_ids))
    elif not (agency_code or since or everything):
        fail("Chọn --instance, --agency, --since hoặc --all.", exit_code=USAGE_EXIT_CODE)
    if agency_code:
        agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            fail(f"Không có cơ quan mã {agency_code}.")
        statement = statement.where(ProcessInstance.agency_id == agency.id)
    if since:
        day = parse_day_or_none(since)
        if day is None:
            fail("Ngày phải có dạng dd/mm/yyyy.")
        statement = statement.where(ProcessInstance.started_at >= start_of_day(day))
    ids = list(db.session.scalars(statement))
    mismatched = []
    with click.progressbar(ids, label="Phát lại") as progress:
        for instance_id in progress:
            check = check_instance(db.session.get(ProcessInstance, instance_id), None)
            db.session.commit()  # each outcome kept even if a later one fails
            if not check.matches:
                mismatched.append((instance_id, verdict_text(check)))
    click.echo(f"{'Hồ sơ':>8} | Kết quả")
    for instance_id, text in mismatched:
        click.echo(f"{instance_id:>8} | {text}")
    click.echo(f"Đã phát lại {len(ids)} hồ sơ: {len(ids) - len(mismatched)} khớp, {len(mismatched)} không khớp.")
    migrated = _migrated(ids)
    if migrated:
        click.echo(f"Trong đó {len(migrated)} hồ sơ đã chuyển phiên bản quy trình: phát lại trên phiên bản cũ đến lần "
                   f"chuyển, áp dụng lại ánh xạ đã ghi, rồi tiếp tục trên phiên bản mới ({len(migrated - dict(mismatched).keys())} "
                   "khớp).")
    if mismatched:
        raise SystemExit(1)


def _migrated(ids: list[int]) -> set[int]:
    """The cases among `ids` that were moved to another process version (instance_migrated events)."""
    moved = db.session.scalars(select(AuditEvent.subject_id).distinct().where(
        AuditEvent.event_type == "instance_migrated", AuditEvent.subject_type == "process_instance"))
    return {int(i) for i in moved if i and i.isdigit()} & set(ids)
