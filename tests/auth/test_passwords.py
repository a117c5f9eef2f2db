"""New passwords: long enough, not trivial, not on the common-password list."""
import pytest

from app.auth.passwords import common_passwords, generate_temporary_password, password_problem


@pytest.mark.parametrize("password", [
    "aaaaaaaaa1", "1111111111a", "abababab12",  # one or a few characters repeated
    "password123", "Password123!", "iloveyou2024", "1qaz2wsx3edc",  # on the list, or padded
    "abcdefghij1", "qwertyuiop!", "Matkhau@123",  # runs, a common Vietnamese one padded
])
def test_trivial_and_common_passwords_are_refused(app, password):
    with app.test_request_context():
        problem = password_problem(password, username="lan.tt")
    assert problem is not None and ("phổ biến" in problem or "quá đơn giản" in problem), password


@pytest.mark.parametrize("password", ["Hoa-sen-nở-2027", "Mat-khau-2026", "Sông Hồng 1802", "k7#Lq9!vRt"])
def test_ordinary_strong_passwords_pass(app, password):
    with app.test_request_context():
        assert password_problem(password, username="lan.tt") is None


def test_the_list_is_shipped_and_large(app):
    assert len(common_passwords()) == 10000 and "password" in common_passwords()
    with app.test_request_context():
        assert password_problem(generate_temporary_password("lan.tt"), username="lan.tt") is None


def test_the_password_form_says_why_in_vietnamese(client, make, login, post_form):
    login(make.user())
    refused = post_form("/doi-mat-khau", data={"current_password": "Mat-khau-2026", "new_password": "aaaaaaaaa1",
                                                "confirm_password": "aaaaaaaaa1"})
    assert refused.status_code == 200
    assert "Mật khẩu quá đơn giản" in refused.get_data(as_text=True)
