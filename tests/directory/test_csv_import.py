"""CSV import keeps the good rows and reports every bad row with its reason."""
import io

from sqlalchemy import select

from app.directory.csv_import import import_users
from app.directory.models import User

from ..conftest import csrf_token_from
from ..factories import Factory

HEADER = "ten_dang_nhap,ho_ten,chuc_vu,ma_dinh_danh,phong_ban,vai_tro,email,mat_khau\n"


def _csv(agency, department, other_agency) -> bytes:
    rows = [
        f"lan.nt,Nguyễn Thị Lan,Chuyên viên,{agency.code},{department.abbreviation},specialist,lan@example.vn,Mat-khau-2026",
        f"binh.tv,Trần Văn Bình,Văn thư,{agency.code},,Văn thư;Chuyên viên,,",
        "sai.coquan,Lê Văn Sai,Chuyên viên,999.99.99.Z99,,specialist,,",
        f"sai.vaitro,Lê Văn Vai,Chuyên viên,{agency.code},,giam_doc,,",
        f"Sai Ten,Lê Văn Tên,Chuyên viên,{agency.code},,specialist,,",
        f"lan.nt,Nguyễn Thị Lan Trùng,Chuyên viên,{agency.code},,specialist,,",
        f"khac.cq,Người Cơ Quan Khác,Chuyên viên,{other_agency.code},,specialist,,",
        f"thieu.ten,,Chuyên viên,{agency.code},,specialist,,",
        f"yeu.mk,Mật Khẩu Yếu,Chuyên viên,{agency.code},,specialist,,123",
    ]
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8-sig")


def test_import_creates_good_rows_and_rejects_bad_ones(make, db):
    agency, other = make.agency(), make.agency()
    department = make.department(agency=agency)
    admin = make.user(agency=agency, roles=("admin",))
    report = import_users(_csv(agency, department, other), actor=admin)

    assert [r.ok for r in report.rows] == [True, True, False, False, False, False, False, False, False]
    assert report.created == 2 and report.rejected == 7
    errors = {r.username: r.errors for r in report.rows if not r.ok}
    assert "agency_code" in errors["sai.coquan"]
    assert "giam_doc" in errors["sai.vaitro"]["roles"]
    assert "username" in errors["Sai Ten"]
    assert errors["lan.nt"]["username"] == "Tên đăng nhập đã có người dùng."
    assert "cơ quan của mình" in errors["khac.cq"]["agency_code"]
    assert "full_name" in errors["thieu.ten"]
    assert "password" in errors["yeu.mk"]

    lan = db.session.scalars(select(User).where(User.username == "lan.nt")).one()
    assert lan.department == department and lan.roles == {"specialist"} and not lan.must_change_password
    binh = db.session.scalars(select(User).where(User.username == "binh.tv")).one()
    assert binh.roles == {"clerk", "specialist"} and binh.must_change_password
    assert report.rows[1].temporary_password
    assert db.session.scalars(select(User).where(User.username.in_(["sai.coquan", "yeu.mk"]))).all() == []


def test_file_without_required_columns_is_refused(make):
    admin = make.user(roles=("admin",))
    report = import_users(b"ten,tuoi\nAn,30\n", actor=admin)
    assert report.file_error and "ten_dang_nhap" in report.file_error and report.rows == []
    assert "UTF-8" in import_users("ten_dang_nhap\n".encode("utf-16"), actor=admin).file_error


def test_import_page_shows_the_report(client, make, login):
    agency, other = make.agency(), make.agency()
    department = make.department(agency=agency)
    login(make.user(agency=agency, roles=("admin",)))
    page = client.get("/quan-tri/nguoi-dung/nhap-csv").get_data(as_text=True)
    response = client.post("/quan-tri/nguoi-dung/nhap-csv", data={
        "csrf_token": csrf_token_from(page),
        "file": (io.BytesIO(_csv(agency, department, other)), "nguoi-dung.csv")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 dòng đã tạo, 7 dòng bị từ chối" in html
    assert "Không có cơ quan với mã định danh này." in html
    wrong_type = client.post("/quan-tri/nguoi-dung/nhap-csv", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(b"x"), "a.xlsx")},
        content_type="multipart/form-data")
    assert "Chỉ nhận tệp .csv." in wrong_type.get_data(as_text=True)


def test_imported_user_with_temporary_password_can_log_in_and_must_change_it(client, make):
    agency = make.agency()
    admin = make.user(agency=agency, roles=("admin",))
    report = import_users((HEADER + f"moi.nv,Người Mới,Chuyên viên,{agency.code},,specialist,,\n").encode(),
                          actor=admin)
    password = report.rows[0].temporary_password
    page = client.get("/dang-nhap").get_data(as_text=True)
    response = client.post("/dang-nhap", data={"username": "moi.nv", "password": password,
                                               "csrf_token": csrf_token_from(page)})
    assert response.headers["Location"] == "/doi-mat-khau"
    assert Factory.PASSWORD != password
