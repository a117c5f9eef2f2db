"""NaN and Infinity are not JSON (RFC 8259), and a number beyond a float would be read as infinity: every JSON
body holding one is refused as malformed, before any form, engine state or audit event sees a value that
int(), the database's JSON and other systems would refuse later."""
import io

import pytest

from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf

CONSTANTS = ("NaN", "Infinity", "-Infinity", "1e999", "-1.5e400")


@pytest.mark.parametrize("constant", CONSTANTS)
def test_a_task_answer_holding_a_non_finite_number_is_refused(client, make, deployed, constant):
    leader = make.user(roles=("leader",))
    headers = bearer_headers(client, leader)
    started = client.post("/api/v1/processes/assign_work/instances", headers=headers).get_json()
    task_id = started["active_tasks"][0]["id"]
    for body in (f'{{"urgency": {constant}}}', f'{{"note": [1, {constant}]}}'):
        response = client.post(f"/api/v1/tasks/{task_id}", headers=headers, data=body,
                               content_type="application/json")
        assert response.status_code == 400, body
        assert response.get_json()["error"]["message"] == "Nội dung phải là một đối tượng JSON."
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers).status_code == 200  # still open, untouched


@pytest.mark.parametrize("constant", CONSTANTS)
def test_incoming_metadata_holding_a_non_finite_number_is_refused(client, make, constant):
    clerk = make.user(roles=("clerk",))
    response = client.post("/api/v1/documents/incoming", headers=bearer_headers(client, clerk),
                           content_type="multipart/form-data",
                           data={"metadata": f'{{"subject": "Giấy mời", "doc_type": "CV", "page_count": {constant}}}',
                                 "file": (io.BytesIO(minimal_pdf()), "cv.pdf")})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Trường metadata phải là một đối tượng JSON."
