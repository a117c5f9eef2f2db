"""Every `flask …` group fails in Vietnamese: the reason alone, no click "Error:"/"Usage:" lines."""
import pytest


@pytest.mark.parametrize("args, reason, code", [
    (["audit", "replay"], "Chọn --instance, --agency, --since hoặc --all.", 2),
    (["audit", "replay", "--agency", "999.99.99.Z99"], "Không có cơ quan mã 999.99.99.Z99.", 1),
    (["audit", "replay", "--since", "31/02/2026"], "Ngày phải có dạng dd/mm/yyyy.", 1),
    (["signing", "register-token-key", "999.99.99.Z99", "--token", "t", "--key", "k", "--certificate", "x"],
     "Giá trị không hợp lệ cho '--certificate'.", 2),
    (["processes", "khong-co"], "Không có lệnh khong-co.", 2),
])
def test_a_failing_command_says_why_in_vietnamese(app, db, args, reason, code):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == code and reason in result.output
    assert "Error:" not in result.output and "Usage:" not in result.output
