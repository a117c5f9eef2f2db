"""The "Gửi lỗi" page: the clerk's own agency's dead messages, Gửi lại and Hủy through the form."""
from app.exchange.directory import import_agencies
from app.exchange.outbox import queue_message


def _dead(db, agency, error):
    message = queue_message(agency_id=agency.id, kind="edoc", package=b"<edXML/>", recipient_codes=["000.00.00.G22"])
    message.state, message.tries, message.last_error = "dead", 5, error
    db.session.flush()
    return message


def test_the_clerk_sees_only_the_agencys_dead_messages(db, make, login, client):
    import_agencies("ma_dinh_danh,ten\n000.00.00.G22,Văn phòng Chính phủ\n".encode(), "a.csv")
    clerk = make.user(roles=("clerk",))
    _dead(db, clerk.agency, "Không kết nối được trục liên thông.")
    _dead(db, make.agency(), "Lỗi của cơ quan khác")
    login(clerk)
    page = client.get("/lien-thong/gui-loi").get_data(as_text=True)
    assert "Không kết nối được trục liên thông." in page
    assert "Văn phòng Chính phủ" in page and "000.00.00.G22" in page
    assert "Lỗi của cơ quan khác" not in page
    assert 'href="/lien-thong/gui-loi"' in page  # the menu leads clerks here


def test_resend_and_cancel_through_the_page(db, make, login, client, post_form):
    clerk = make.user(roles=("clerk",))
    first, second = _dead(db, clerk.agency, "Lỗi 1"), _dead(db, clerk.agency, "Lỗi 2")
    login(clerk)
    response = post_form("/lien-thong/gui-loi", f"/lien-thong/gui-loi/{first.id}/gui-lai", follow_redirects=True)
    assert "Đã đưa gói tin vào hàng đợi gửi lại." in response.get_data(as_text=True)
    assert (first.state, first.tries) == ("pending", 0)
    response = post_form("/lien-thong/gui-loi", f"/lien-thong/gui-loi/{second.id}/huy", follow_redirects=True)
    assert "Đã hủy gửi gói tin." in response.get_data(as_text=True)
    assert second.state == "cancelled"
    again = post_form("/lien-thong/gui-loi", f"/lien-thong/gui-loi/{second.id}/gui-lai", follow_redirects=True)
    assert "Chỉ gửi lại được gói tin gửi lỗi." in again.get_data(as_text=True)
    assert post_form("/lien-thong/gui-loi", "/lien-thong/gui-loi/999999/huy").status_code == 404
