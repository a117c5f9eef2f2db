"""The task API: inbox, form schema, completion with 422/403/409, start, instance state, OpenAPI."""
from datetime import timedelta

from app.vietnam_time import vietnam_today

from ..factories import bearer_headers


def test_start_fill_and_complete_through_the_api(client, make, deployed):
    agency = make.agency()
    leader, specialist = make.user(agency=agency, roles=("leader",)), make.user(agency=agency)
    colleague, stranger = make.user(agency=agency, roles=("leader",)), make.user(roles=("leader",))
    as_leader = bearer_headers(client, leader)

    started = client.post("/api/v1/processes/assign_work/instances", headers=as_leader)
    assert started.status_code == 201
    instance = started.get_json()
    assert instance["status"] == "running" and instance["active_tasks"][0]["title"] == "Giao việc"

    inbox = client.get("/api/v1/tasks", headers=as_leader).get_json()
    assert inbox["total"] == 1
    task_id = inbox["items"][0]["id"]
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=as_leader).get_json()
    assert detail["schema"]["required"] == ["work_title", "description", "assignee", "due_date"]
    assert specialist.username in detail["choices"]["assignee"]
    assert stranger.username not in detail["choices"]["assignee"]

    invalid = client.post(f"/api/v1/tasks/{task_id}", headers=as_leader,
                          json={"work_title": "x", "assignee": stranger.username})
    assert invalid.status_code == 422
    fields = invalid.get_json()["error"]["fields"]
    assert {"work_title", "description", "assignee", "due_date"} <= set(fields)

    assert client.post(f"/api/v1/tasks/{task_id}", headers=bearer_headers(client, colleague),
                       json={}).status_code == 403
    assert client.get(f"/api/v1/tasks/{task_id}", headers=bearer_headers(client, stranger)).status_code == 404
    assert client.post(f"/api/v1/tasks/{task_id}", headers=bearer_headers(client, stranger), json={}).status_code == 404

    good = {"work_title": "Tổng hợp ý kiến", "description": "…", "assignee": specialist.username,
            "due_date": (vietnam_today() + timedelta(days=4)).isoformat()}
    done = client.post(f"/api/v1/tasks/{task_id}", headers=as_leader, json=good)
    assert done.status_code == 200 and done.get_json()["task_spec"] == "assign"
    again = client.post(f"/api/v1/tasks/{task_id}", headers=as_leader, json=good)
    assert again.status_code == 409 and leader.full_name in again.get_json()["error"]["message"]

    state = client.get(f"/api/v1/instances/{instance['id']}", headers=as_leader).get_json()
    assert [t["title"] for t in state["active_tasks"]] == ["Báo cáo kết quả"]
    assert [(e["type"], e["task_spec"], e["actor"]) for e in state["history"]] == [
        ("instance_started", None, leader.username), ("task_completed", "assign", leader.username)]
    assert client.get(f"/api/v1/instances/{instance['id']}", headers=bearer_headers(client, stranger)).status_code == 404
    assert client.get("/api/v1/tasks", headers=bearer_headers(client, specialist)).get_json()["total"] == 1


def test_specialists_cannot_start_giao_viec(client, make, deployed):
    response = client.post("/api/v1/processes/assign_work/instances", headers=bearer_headers(client, make.user()))
    assert response.status_code == 403
