"""Delegation: a role's tasks go to the delegate during the range, on behalf of the delegator."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.directory.delegation import create_delegation, delegations_in_force, revoke_delegation
from app.directory.services import DirectoryError
from app.vietnam_time import vietnam_today

TODAY = vietnam_today()


def test_delegation_is_in_force_inside_its_range_only(make, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    deputy = make.user(agency=agency, roles=("specialist",))
    create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                      starts_on=TODAY, ends_on=TODAY + timedelta(days=3))

    inside = delegations_in_force(deputy, on=TODAY + timedelta(days=1))
    assert inside.acting_for == {"leader": (leader.id,)} and inside.handed_away == frozenset()
    assert delegations_in_force(leader, on=TODAY).handed_away == {"leader"}
    after = TODAY + timedelta(days=4)
    assert delegations_in_force(deputy, on=after).acting_for == {}
    assert delegations_in_force(leader, on=after).handed_away == frozenset()

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "delegation_created")).one()
    assert event.data["delegate_id"] == deputy.id and event.data["role"] == "leader"


def test_revoked_delegation_is_no_longer_in_force(make):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    deputy = make.user(agency=agency)
    delegation = create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                                   starts_on=TODAY, ends_on=TODAY)
    revoke_delegation(delegation, actor=leader)
    assert delegations_in_force(deputy).acting_for == {}


def test_a_lanes_candidates_are_the_role_holders_narrowed_to_a_department(make):
    from app.workflow.assignment import assign

    agency = make.agency()
    legal, finance = make.department(agency=agency), make.department(agency=agency)
    head_legal = make.user(agency=agency, roles=("unit_head",), department=legal)
    make.user(agency=agency, roles=("unit_head",), department=finance)
    make.user(agency=agency, roles=("unit_head",), department=legal, active=False)
    assert assign("Lãnh đạo đơn vị", {"department_id": legal.id}, agency.id).candidate_ids() == [head_legal.id]
    assert len(assign("Lãnh đạo đơn vị", {}, agency.id).candidate_ids()) == 2


@pytest.mark.parametrize("case, field", [
    ("other_agency", "delegate_id"), ("not_holder", "role"), ("self", "delegate_id"),
    ("backwards", "ends_on"), ("overlap", "starts_on")])
def test_invalid_delegations_are_refused_with_a_reason(make, case, field):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    colleague = make.user(agency=agency)
    args = {"delegator": leader, "delegate": colleague, "role": "leader",
            "starts_on": TODAY, "ends_on": TODAY + timedelta(days=2)}
    if case == "other_agency":
        args["delegate"] = make.user()
    elif case == "not_holder":
        args["role"] = "clerk"
    elif case == "self":
        args["delegate"] = leader
    elif case == "backwards":
        args["ends_on"] = TODAY - timedelta(days=1)
    elif case == "overlap":
        create_delegation(actor=leader, **{**args, "delegate": make.user(agency=agency)})
    with pytest.raises(DirectoryError) as refused:
        create_delegation(actor=leader, **args)
    assert field in refused.value.fields


def test_leader_delegates_and_revokes_through_the_page(client, make, login, post_form, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    deputy = make.user(agency=agency, full_name="Phạm Minh Đức")
    login(leader)
    response = post_form("/uy-quyen", data={
        "role": "leader", "delegate_id": deputy.id, "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=5)).isoformat(), "note": "Đi công tác"})
    assert response.status_code == 302
    assert delegations_in_force(deputy).acting_for == {"leader": (leader.id,)}
    page = client.get("/uy-quyen").get_data(as_text=True)
    assert "Phạm Minh Đức" in page and "Hiệu lực" in page

    bad = post_form("/uy-quyen", data={"role": "leader", "delegate_id": deputy.id,
                                       "starts_on": TODAY.strftime("%d/%m/%Y"), "ends_on": "31/02/2026"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and html.count("Nhập ngày hợp lệ.") == 1
    # Dates as everywhere else: typed dd/mm/yyyy in a text box, and what was typed comes back.
    starts = re.search(r'<input[^>]*id="starts_on"[^>]*>', html).group(0)
    assert 'type="text"' in starts and 'placeholder="dd/mm/yyyy"' in starts
    assert f'value="{TODAY:%d/%m/%Y}"' in starts and 'value="31/02/2026"' in html

    later = TODAY + timedelta(days=10)
    typed = post_form("/uy-quyen", data={"role": "leader", "delegate_id": deputy.id,
                                         "starts_on": f"{later:%d/%m/%Y}", "ends_on": f"{later:%d/%m/%Y}"})
    assert typed.status_code == 302
    assert f"<td>{later:%d/%m/%Y}</td><td>{later:%d/%m/%Y}</td>" in client.get("/uy-quyen").get_data(as_text=True)


def test_delegate_sees_on_behalf_of_on_the_dashboard(client, make, login):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",), full_name="Hoàng Văn Bình")
    deputy = make.user(agency=agency)
    create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                      starts_on=TODAY, ends_on=TODAY)
    login(deputy)
    assert "TUQ. Hoàng Văn Bình" in client.get("/").get_data(as_text=True)
