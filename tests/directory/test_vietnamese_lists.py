"""Directory lists and form pickers follow the Vietnamese alphabet, not code points."""
from app.workflow.task_pages import _load_choices


def _positions(html: str, names) -> list[int]:
    """Where each name first occurs in the page's list (after the header, which names the user's agency)."""
    body = html[html.index("<main"):]
    return [body.index(name) for name in names]


def test_users_list_puts_d_stroke_before_v_and_a_breve_after_a(client, make, login):
    agency = make.agency()
    login(make.user(agency=agency, roles=("admin",), full_name="Trần Quản Trị"))
    for name in ("Vũ Văn Vinh", "Đinh Thị Đào", "Ăn Văn Ba", "Bùi Văn Ba", "An Văn Ba"):
        make.user(agency=agency, full_name=name)
    html = client.get(f"/quan-tri/nguoi-dung?agency_id={agency.id}").get_data(as_text=True)
    positions = _positions(html, ["An Văn Ba", "Ăn Văn Ba", "Bùi Văn Ba", "Đinh Thị Đào", "Trần Quản Trị", "Vũ Văn Vinh"])
    assert positions == sorted(positions)


def test_departments_and_agencies_in_vietnamese_order(client, make, login, db):
    root = make.agency(kind="province", name="Ủy ban nhân dân tỉnh Thử")
    for name in ("Phòng Công chức", "Phòng Cải cách", "Đội Kiểm tra"):
        make.department(agency=root, name=name)
    make.agency(name="Văn phòng Thử", parent_id=root.id)
    make.agency(name="Đài Phát thanh Thử", parent_id=root.id)
    login(make.user(agency=root, roles=("admin",), province_wide=True))
    agency_page = client.get(f"/quan-tri/co-quan/{root.id}").get_data(as_text=True)
    positions = _positions(agency_page, ["Đội Kiểm tra", "Phòng Cải cách", "Phòng Công chức"])
    assert positions == sorted(positions)
    listing = client.get("/quan-tri/co-quan?q=Th").get_data(as_text=True)
    positions = _positions(listing, ["Đài Phát thanh Thử", "Ủy ban nhân dân tỉnh Thử", "Văn phòng Thử"])
    assert positions == sorted(positions)


def test_form_pickers_list_people_and_departments_in_vietnamese_order(make, db):
    agency = make.agency()
    for name in ("Phòng Công chức", "Phòng Cải cách"):
        make.department(agency=agency, name=name)
    actor = make.user(agency=agency, full_name="Vũ Thị Yến")
    make.user(agency=agency, full_name="Đỗ Văn Đức")
    assert [c.label for c in _load_choices("department", {}, actor)] == ["Phòng Cải cách", "Phòng Công chức"]
    assert [c.label.split(" — ")[0] for c in _load_choices("user", {}, actor)] == ["Đỗ Văn Đức", "Vũ Thị Yến"]
