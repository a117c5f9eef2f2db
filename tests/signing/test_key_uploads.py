"""People bring their own PKCS#12 and signature image; admins the agency's seal key. Only keys that can sign here."""
import io
from pathlib import Path

from PIL import Image

from app.documents.demo.signatures import _self_made_credentials
from app.signing.demo_pki import ensure_demo_pki
from app.signing.keystore import (
    active_agency_credential,
    active_person_credential,
    open_person_key,
    pkcs12_bytes,
)


def p12(credentials, password: str) -> bytes:
    return pkcs12_bytes(credentials, password.encode(), "tep-thu")


def png(colour=(0, 0, 200, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (60, 30), colour).save(out, format="PNG")
    return out.getvalue()


def upload(post_form, url, **files_and_fields):
    data = {name: (io.BytesIO(value), f"{name}.bin") if isinstance(value, bytes) else value
            for name, value in files_and_fields.items()}
    return post_form(url, data=data, content_type="multipart/form-data")


def test_a_leader_uploads_their_certificate_and_signs_with_its_pin(app, make, login, post_form, client):
    leader = make.user(roles=("leader",))
    issued = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_person(leader.username, leader.full_name, "Sở thử")
    login(leader)
    response = upload(post_form, "/ca-nhan/chu-ky-so", pkcs12=p12(issued, "2468"), pin="2468", image=png())
    assert response.status_code == 302
    stored = active_person_credential(leader.id)
    assert stored.subject_name == leader.full_name and stored.pkcs12 != p12(issued, "2468")
    with app.test_request_context():
        _row, opened = open_person_key(leader.id, "2468")
    assert opened.certificate.serial_number == issued.certificate.serial_number
    page = client.get("/ca-nhan/chu-ky-so").get_data(as_text=True)
    assert leader.full_name in page and client.get("/ca-nhan/chu-ky-so/anh").mimetype == "image/png"


def test_keys_that_cannot_sign_here_are_refused_with_the_reason(app, make, login, post_form):
    leader = make.user(roles=("leader",))
    issued = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_person(leader.username, leader.full_name, "Sở thử")
    login(leader)
    cases = [
        ({"pkcs12": p12(issued, "2468"), "pin": "1357"}, "sai mật khẩu/PIN"),
        ({"pkcs12": b"not a pkcs12 file", "pin": "1357"}, "không phải PKCS#12"),
        ({"pkcs12": p12(_self_made_credentials("Người ngoài", "CA tự lập"), "2468"), "pin": "2468"},
         "Chữ ký thử bằng chứng thư số này không hợp lệ"),
        ({"pkcs12": p12(issued, "2468"), "pin": "2468", "image": b"GIF89a not png"}, "Không đọc được ảnh PNG"),
        ({"pin": "2468"}, "Chọn tệp chứng thư số"),
    ]
    for fields, reason in cases:
        response = upload(post_form, "/ca-nhan/chu-ky-so", **fields)
        assert response.status_code == 422 and reason in response.get_data(as_text=True), reason
    assert active_person_credential(leader.id) is None


def test_only_admins_upload_an_agency_seal_key(app, make, login, post_form, client):
    agency = make.agency(name="Sở Thử nghiệm")
    admin = make.user(agency=agency, roles=("admin",))
    issued = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_organisation(agency.code, agency.name)
    clerk = make.user(agency=agency, roles=("clerk",))
    login(clerk)
    assert client.get("/quan-tri/con-dau-so").status_code == 403
    post_form("/", "/dang-xuat")
    login(admin)
    response = upload(post_form, f"/quan-tri/con-dau-so?co_quan={agency.id}", pkcs12=p12(issued, "matkhau"),
                      password="matkhau", co_quan=str(agency.id), image=png((200, 0, 0, 255)))
    assert response.status_code == 302
    assert active_agency_credential(agency.id).subject_name == agency.name
