import pytest


@pytest.fixture
def designer(make):
    return make.user(roles=("designer",), province_wide=True, full_name="Bùi Quang Huy")
