"""Finding people without typing diacritics; the users list names agencies readably."""
from app.directory import services


def _names_listed(client, query: str, agency) -> str:
    return client.get("/quan-tri/nguoi-dung", query_string={"q": query, "agency_id": agency.id}).get_data(as_text=True)


def test_user_search_ignores_accents_and_case_in_either_direction(client, make, login):
    agency = make.agency()
    login(make.user(agency=agency, roles=("admin",), full_name="Lê Quản Trị"))
    make.user(agency=agency, full_name="Nguyễn Văn Đức", job_title="Chuyên viên", username="duc.nv")
    make.user(agency=agency, full_name="Nguyễn Thị Hoa", job_title="Trưởng phòng", username="hoa.nt")
    unaccented = _names_listed(client, "nguyen duc", agency)
    assert "Nguyễn Văn Đức" in unaccented and "Nguyễn Thị Hoa" not in unaccented
    accented = _names_listed(client, "NGUYỄN Thị", agency)
    assert "Nguyễn Thị Hoa" in accented and "Nguyễn Văn Đức" not in accented
    by_title = _names_listed(client, "truong phong", agency)
    assert "Nguyễn Thị Hoa" in by_title and "Nguyễn Văn Đức" not in by_title
    assert "Nguyễn Văn Đức" in _names_listed(client, "duc.nv", agency)
    assert "Không có người dùng nào" in _names_listed(client, "100%", agency)


def test_renamed_user_is_found_by_the_new_name(make, db):
    agency = make.agency()
    admin = make.user(agency=agency, roles=("admin",))
    person = make.user(agency=agency, full_name="Trần Văn Cũ")
    services.update_user(person, actor=admin, roles=["specialist"], full_name="Phạm Thị Mới")
    assert person.search_text.startswith("pham thi moi ") and "tran" not in person.search_text


def test_users_list_shows_the_agency_full_name_and_department(client, make, login):
    agency = make.agency(name="Ủy ban nhân dân xã Thử Nghiệm", short_name="UBND")
    department = make.department(agency=agency, name="Văn phòng HĐND và UBND")
    login(make.user(agency=agency, roles=("admin",)))
    make.user(agency=agency, full_name="Hoàng Văn Em", department_id=department.id)
    html = _names_listed(client, "hoang", agency)
    row = html[html.index("Hoàng Văn Em"):]
    row = row[:row.index("</tr>")]
    assert "Ủy ban nhân dân xã Thử Nghiệm" in row and "Văn phòng HĐND và UBND" in row


def test_migration_folds_the_names_of_existing_accounts(tmp_path):
    """Accounts made before the search text existed are found too (the migration fills it)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db as database

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
                      "SECRET_KEY": "test", "FILES_DIR": str(tmp_path), "PKI_DIR": str(tmp_path),
                      "AUDIT_ANCHOR_LOG": str(tmp_path / "anchors.log")})
    with app.app_context():
        upgrade(revision="8d3f1b6a2c90")
        with database.engine.begin() as connection:
            connection.execute(text("INSERT INTO agency (code, name, short_name, kind, parent_id, active, is_demo, "
                                    "created_at) VALUES ('000.00.99.T99', 'Sở Thử', 'ST', 'department', NULL, 1, 0, "
                                    "'2026-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO user (username, full_name, job_title, agency_id, password_hash, active, province_wide, "
                "must_change_password, created_at) VALUES ('dung.dt', 'Đặng Thị Dung', 'Phó Giám đốc', 1, 'x', 1, 0, "
                "0, '2026-01-01 00:00:00')"))
        upgrade()
        with database.engine.connect() as connection:
            assert connection.scalar(text("SELECT search_text FROM user")) == "dang thi dung dung.dt pho giam doc"
        database.engine.dispose()
