"""How a `flask …` command fails for the operator: the reason in Vietnamese on stderr and a non-zero exit
code, without click's English "Error:"/"Usage:" lines (ClickException and click's own usage errors print them)."""
from typing import NoReturn

import click
from flask.cli import AppGroup

USAGE_EXIT_CODE = 2  # click's own code for a usage mistake, kept for scripts that test it


def fail(reason: str, *, exit_code: int = 1) -> NoReturn:
    """End the command with `reason` (Vietnamese) as its only output."""
    click.echo(reason, err=True)
    raise click.exceptions.Exit(exit_code)


class VietnameseGroup(AppGroup):
    """A command group whose commands, and click's checks of their arguments, fail through `fail`."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as mistake:
            fail(_usage_reason(mistake), exit_code=USAGE_EXIT_CODE)
        except click.FileError as unreadable:
            fail(f"Không mở được tệp {unreadable.ui_filename}.")
        except click.ClickException:
            # Raised by a library with an English message the operator cannot act on.
            fail("Lệnh không thực hiện được.")

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            fail(f"Không có lệnh {args[0]}. Xem: {ctx.command_path} --help", exit_code=USAGE_EXIT_CODE)


def _usage_reason(mistake: click.UsageError) -> str:
    """Click's usage messages are English: say which argument is wrong and point at --help."""
    ctx = mistake.ctx
    hint = mistake.param.get_error_hint(ctx) if getattr(mistake, "param", None) is not None and ctx else ""
    if isinstance(mistake, click.MissingParameter):
        kind = "tùy chọn" if mistake.param is not None and mistake.param.param_type_name == "option" else "tham số"
        reason = f"Thiếu {kind} {hint}."
    elif isinstance(mistake, click.BadParameter):
        reason = f"Giá trị không hợp lệ cho {hint}."
    elif isinstance(mistake, click.NoSuchOption):
        reason = f"Không có tùy chọn {mistake.option_name}."
    else:
        reason = "Lệnh dùng chưa đúng."
    command = ctx.command_path if ctx is not None else "flask"
    return f"{reason} Xem: {command} --help"
