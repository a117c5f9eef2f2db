"""One person's requests landing on two web processes in turn (production mode, PostgreSQL): the session, its CSRF
token, task completions, numbering under concurrent requests on both, a version published through one and
used by the other, and login throttling counted across both."""
import re
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import select

from app.documents.models import Document
from app.extensions import db as _db
from app.workflow.models import HumanTask, ProcessInstance, ProcessVersion

from ..conftest import csrf_token_from
from .office import log_in, office_with_registrations, register_tasks

DOCUMENTS = 12


def test_one_session_across_two_processes(app, committed_db, web_processes):
    with app.test_request_context():
        agency_id, names = office_with_registrations(app, DOCUMENTS)
        _db.session.remove()
    a, b = (web.url for web in web_processes(2))

    clerk = requests.Session()
    signed_in = log_in(clerk, a, b, names["clerk"])
    assert signed_in.status_code == 302, signed_in.text
    inbox = clerk.get(a + "/viec-cua-toi", allow_redirects=False)
    assert inbox.status_code == 200 and "Vào sổ" in inbox.text

    # The form read from A, completed on B; then the rest at once, alternately on both, with the same cookie.
    tasks = register_tasks(committed_db)
    assert len(tasks) == DOCUMENTS
    page = clerk.get(f"{a}/cong-viec/{tasks[0]}")
    token = csrf_token_from(page.text)
    done = clerk.post(f"{b}/cong-viec/{tasks[0]}", data={"csrf_token": token, "route": "leader"},
                      allow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith("/viec-cua-toi"), done.text
    assert clerk.get(f"{a}/cong-viec/{tasks[0]}").status_code == 404  # done, as A sees it too

    def complete(index: int) -> int:
        same_person = requests.Session()
        same_person.cookies.update(clerk.cookies)
        target = (a, b)[index % 2]
        return same_person.post(f"{target}/cong-viec/{tasks[index]}", data={"csrf_token": token, "route": "leader"},
                                allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(complete, range(1, DOCUMENTS))) == [302] * (DOCUMENTS - 1)
    numbers = committed_db.session.scalars(select(Document.arrival_number).where(Document.agency_id == agency_id)).all()
    committed_db.session.rollback()
    assert sorted(numbers) == list(range(1, DOCUMENTS + 1))  # consecutive, none twice

    # A version published through A is the one B starts new cases on, though B had the previous one loaded.
    leader, designer = requests.Session(), requests.Session()
    assert log_in(leader, b, b, names["leader"]).status_code == 302
    assert log_in(designer, a, a, names["designer"]).status_code == 302
    start_token = csrf_token_from(leader.get(b + "/quy-trinh/khoi-tao").text)
    started_on = [_start(leader, b, start_token)]
    restore_page = designer.get(a + "/thiet-ke/assign_work/phien-ban")
    restored = designer.post(a + "/thiet-ke/assign_work/phien-ban/1/khoi-phuc",
                             data={"csrf_token": csrf_token_from(restore_page.text), "note": "Quay lại bản 1"},
                             allow_redirects=False)
    assert restored.status_code == 302
    started_on += [_start(leader, b, start_token), _start(leader, a, start_token)]
    versions = dict(committed_db.session.execute(
        select(ProcessInstance.id, ProcessVersion.number).join(ProcessVersion)
        .where(ProcessInstance.process_id == "assign_work")).all())
    committed_db.session.rollback()
    assert [versions[instance] for instance in started_on] == [2, 3, 3]
    assert ">3<" in re.sub(r"\s+", "", designer.get(b + "/thiet-ke/assign_work/phien-ban").text)

    # Five wrong passwords, alternately on A and B, use up the account's attempts on both.
    guesser = requests.Session()
    for attempt in range(5):
        target = (a, b)[attempt % 2]
        assert log_in(guesser, target, target, names["stranger"], "sai-mat-khau").status_code == 401
    for target in (a, b):
        refused = log_in(guesser, target, target, names["stranger"])
        assert refused.status_code == 429 and "Đăng nhập sai quá nhiều lần" in refused.text


def _start(session: requests.Session, url: str, token: str) -> int:
    """Start an assign_work case; return its instance id (the first task's page names it)."""
    started = session.post(url + "/quy-trinh/assign_work/khoi-tao", data={"csrf_token": token}, allow_redirects=False)
    assert started.status_code == 302, started.text
    task_uuid = started.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    return _db.session.scalar(select(HumanTask.instance_id).where(HumanTask.task_uuid == task_uuid))
