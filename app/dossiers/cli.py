"""`flask dossiers …`: the group; check-pdfa (the PDF/A check the closing applies) lives here, the package
commands in package_cli."""
from pathlib import Path

import click

from app.cli_failure import VietnameseGroup, fail

from .pdfa import check_pdfa

dossiers_cli = VietnameseGroup("dossiers", help="Hồ sơ và nộp lưu: gói nộp lưu, kiểm tra gói, kiểm tra PDF/A.")


@dossiers_cli.command("check-pdfa", help="Kiểm tra TỆP có phải PDF/A: nhận dạng XMP, OutputIntent, phông chữ nhúng.")
@click.argument("path", metavar="TỆP", type=click.Path(dir_okay=False, path_type=Path))
def check_pdfa_command(path: Path):
    if not path.is_file():
        fail(f"Không có tệp {path}.")
    report = check_pdfa(path)
    if not report.ok:
        fail("Không đạt PDF/A:\n" + "\n".join(f"- {problem}" for problem in report.problems))
    click.echo(f"Đạt: PDF/A-{report.part}{report.conformance.lower()}, có OutputIntent, mọi phông chữ đã nhúng.")
