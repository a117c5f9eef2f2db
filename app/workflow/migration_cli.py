"""`flask processes migrate`: move running cases of a process to another published version."""
import click
from sqlalchemy import select

from app.cli_failure import fail
from app.directory.models import Agency
from app.extensions import db

from .cli import processes_cli
from .errors import WorkflowError
from .instance_migration import dry_run, migrate_cases, plan_migration, running_cases


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        old, separator, new = pair.partition("=")
        if not separator or not old.strip() or not new.strip():
            fail(f"--map phải có dạng BƯỚC_CŨ=BƯỚC_MỚI (nhận được: {pair}).")
        mapping[old.strip()] = new.strip()
    return mapping


@processes_cli.command("migrate")
@click.argument("process_id")
@click.option("--from", "from_number", type=int, required=True, help="Phiên bản đang chạy.")
@click.option("--to", "to_number", type=int, required=True, help="Phiên bản chuyển tới.")
@click.option("--dry-run", "trial", is_flag=True, help="Chỉ chạy thử trên bản sao trạng thái, không ghi gì.")
@click.option("--agency", "agency_code", help="Chỉ hồ sơ của cơ quan mã này.")
@click.option("--step", help="Chỉ hồ sơ đang chờ ở bước này (mã bước).")
@click.option("--instance", "instance_ids", type=int, multiple=True, help="Chỉ hồ sơ này (lặp lại được).")
@click.option("--map", "pairs", multiple=True, help="Bước đổi mã: BƯỚC_CŨ=BƯỚC_MỚI (lặp lại được).")
@click.option("--stop-on-error", is_flag=True, help="Dừng ở hồ sơ đầu tiên không chuyển được.")
def migrate_command(process_id, from_number, to_number, trial, agency_code, step, instance_ids, pairs,
                    stop_on_error):
    """Move running cases from version --from to --to (each case whole, or left as it was)."""
    try:
        plan = plan_migration(process_id, from_number, to_number, _mapping(pairs))
    except WorkflowError as refused:
        fail(refused.message)
    click.echo(f"Kế hoạch chuyển {process_id} từ phiên bản {from_number} sang {to_number}:")
    for mapping in plan.plan.steps:
        target = mapping.new_id or "—"
        click.echo(f"  {mapping.old_id} → {target}" + (f"  [KHÔNG CHUYỂN ĐƯỢC: {mapping.refusal}]"
                                                      if mapping.refusal else ""))
    agency_id = None
    if agency_code:
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
        if agency_id is None:
            fail(f"Không có cơ quan mã {agency_code}.")
    ids = running_cases(plan, actor=None, agency_id=agency_id, step=step, instance_ids=instance_ids or None)
    if trial:
        outcomes = dry_run(plan, ids)
        db.session.rollback()
    else:
        outcomes = migrate_cases(plan, ids, actor=None, stop_on_error=stop_on_error, after_each=db.session.commit)
    refused = [o for o in outcomes if not o.ok]
    if refused:
        click.echo(f"{'Hồ sơ':>8} | Không chuyển được vì")
        for outcome in refused:
            click.echo(f"{outcome.instance_id:>8} | {outcome.reason}")
    verb = "chuyển được (chạy thử, chưa ghi)" if trial else "đã chuyển"
    click.echo(f"{len(ids)} hồ sơ: {len(outcomes) - len(refused)} {verb}, {len(refused)} không chuyển được"
               + (f", {len(ids) - len(outcomes)} chưa xét (dừng ở lỗi đầu tiên)" if len(outcomes) < len(ids) else "")
               + ".")
    if refused:
        raise SystemExit(1)

