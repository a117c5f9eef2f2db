"""`flask reports monthly`: make (or make again after a failure) the agencies' signed monthly reports."""
import click

from app.cli_failure import VietnameseGroup, fail

from .monthly import MonthRefused, run_monthly_reports

reports_cli = VietnameseGroup("reports", help="Báo cáo, thống kê.")


@reports_cli.command("monthly")
@click.option("--month", default=None, help="Tháng báo cáo, dạng YYYY-MM (mặc định: tháng vừa kết thúc).")
@click.option("--agency", "agency_code", default=None, help="Mã định danh của một cơ quan (mặc định: mọi cơ quan).")
def monthly_command(month: str | None, agency_code: str | None):
    """Lập và ký số báo cáo định kỳ tháng của các cơ quan chưa có."""
    try:
        outcomes = run_monthly_reports(month, agency_code)
    except MonthRefused as refused:
        fail(str(refused))
    if not outcomes:
        click.echo("Mọi cơ quan đã có báo cáo của tháng này.")
    for outcome in outcomes:
        verdict = "đã lập và ký số" if outcome.made else f"chưa lập được: {outcome.failure}"
        click.echo(f"{outcome.agency_code} tháng {outcome.month}: {verdict}")
    if any(not outcome.made for outcome in outcomes):
        raise click.exceptions.Exit(1)
