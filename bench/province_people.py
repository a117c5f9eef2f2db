"""bench/province.py's people and clients: the demo province's offices read from the database, and the
think-free client threads that drive incoming and outgoing documents through the JSON API over HTTP."""
import io
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from incoming import _metadata_values
from outgoing import BODY
from sqlalchemy import create_engine, text

from app.demo_cli import DEMO_PASSWORD
from app.vietnam_time import vietnam_today
from tests.pdf_samples import minimal_pdf

YEAR = {"incoming": 182_833, "outgoing": 88_350}
SIGNING_OFFICES = ("VPUBND", "SNV", "STC", "STP")  # the demo seed issues keys to their leaders and seals
OUTSIDE_KIND = "outgoing via axis"  # Recorder.done's key for outgoing documents released outside
PIN = "123456"  # DEMO_SIGNING_PIN's default, set for the server by bench/province.py


# --- The province's people ---------------------------------------------------------------------------

@dataclass
class Office:
    agency_id: int
    code: str
    short_name: str
    clerks: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    checkers: list = field(default_factory=list)
    units: dict = field(default_factory=lambda: defaultdict(lambda: {"unit_head": [], "specialist": []}))

    def staffed_units(self) -> list[int]:
        return sorted(d for d, people in self.units.items() if people["unit_head"] and people["specialist"])


def cast(offices: dict[int, Office], incoming_offices: int, units: int) -> dict[int, Office]:
    """The people who act in the run: every signing office (drafting offices of the outgoing documents) and
    `incoming_offices` others, each with its clerks and leaders and, for up to `units` staffed units, one
    head and one specialist per unit. Each person logs in once before the run, as a day's first login."""
    chosen = {}
    for office in sorted(offices.values(), key=lambda o: (o.short_name not in SIGNING_OFFICES, o.agency_id)):
        if not (office.clerks and office.leaders and len(office.staffed_units()) >= 2):
            continue
        if office.short_name not in SIGNING_OFFICES and incoming_offices <= 0:
            continue
        incoming_offices -= office.short_name not in SIGNING_OFFICES
        kept = Office(office.agency_id, office.code, office.short_name, office.clerks[:1], office.leaders[:1],
                      office.checkers[:1])
        for department in office.staffed_units()[:units]:
            for role in ("unit_head", "specialist"):
                kept.units[department][role] = office.units[department][role][:1]
        chosen[office.agency_id] = kept
    return chosen


def everyone(offices: dict[int, Office]) -> list[str]:
    names = []
    for office in offices.values():
        names += office.clerks + office.leaders + office.checkers
        for people in office.units.values():
            names += people["unit_head"] + people["specialist"]
    return sorted(set(names))


def read_offices(database_url: str) -> dict[int, Office]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        agencies = connection.execute(text("SELECT id, code, short_name FROM agency WHERE active")).all()
        people = connection.execute(text(
            'SELECT u.username, u.agency_id, u.department_id, r.role FROM "user" u '
            "JOIN user_role r ON r.user_id = u.id WHERE u.active AND NOT u.must_change_password "
            "ORDER BY u.id")).all()
    engine.dispose()
    offices = {a.id: Office(a.id, a.code, a.short_name) for a in agencies}
    for username, agency_id, department_id, role in people:
        office = offices[agency_id]
        if role == "clerk":
            office.clerks.append(username)
        elif role == "leader":
            office.leaders.append(username)
        elif role == "format_checker":
            office.checkers.append(username)
        elif role in ("unit_head", "specialist") and department_id is not None:
            office.units[department_id][role].append(username)
    return offices


# --- Clients -------------------------------------------------------------------------------------------

class Refused(Exception):
    """An answer the step did not expect: the document is abandoned and counted as an error."""


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.window = (float("inf"), float("inf"))
        self.times: dict[str, list[float]] = defaultdict(list)
        self.done: dict[str, int] = defaultdict(int)
        self.errors: list[str] = []
        self.error_count = 0
        self.released_outside = 0

    def inside(self, at: float) -> bool:
        return self.window[0] <= at <= self.window[1]

    def request(self, kind: str, began: float, ended: float) -> None:
        if self.inside(began) and self.inside(ended):
            with self.lock:
                self.times[kind].append(ended - began)

    def document(self, kind: str, ended: float, *, outside: bool = False) -> None:
        """A document's last step ended; `outside`: released to the axis (counted over the whole run too,
        to compare with what the axis received)."""
        with self.lock:
            self.released_outside += outside
            if self.inside(ended):
                self.done[kind] += 1
                self.done[OUTSIDE_KIND] += outside

    def error(self, message: str) -> None:
        with self.lock:
            self.error_count += 1
            if len(self.errors) < 8:
                self.errors.append(message[:400])


class People:
    """Every person logs in once (their own Bearer token, as a day's first login) and sends their requests with
    it; the connections are the client thread's own, kept alive and reused by whoever that client acts as
    next, as a load balancer's pool does (an idle kept-alive connection is closed by gunicorn after 2 s)."""

    def __init__(self, base_url: str, recorder: Recorder, client: str):
        self.base_url, self.recorder, self.client = base_url, recorder, client
        self.tokens: dict[str, dict] = {}
        self.login_times: list[float] = []
        self.lock = threading.Lock()
        self.local = threading.local()
        self.all_sessions: list[requests.Session] = []

    def _session(self) -> requests.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            with self.lock:
                self.all_sessions.append(session)
        return session

    def login(self, username: str) -> None:
        began = time.monotonic()
        answer = self._session().post(f"{self.base_url}/api/v1/auth/login",
                                      json={"username": username, "password": DEMO_PASSWORD}, timeout=60)
        if answer.status_code != 200:
            raise Refused(f"login {username}: {answer.status_code} {answer.text[:200]}")
        with self.lock:
            self.login_times.append(time.monotonic() - began)
            self.tokens[username] = {"Authorization": f"Bearer {answer.json()['token']}"}

    def send(self, who: str, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        began = time.monotonic()
        answer = self._session().request(method, f"{self.base_url}{path}", headers=self.tokens[who], timeout=180,
                                         **kwargs)
        self.recorder.request(kind, began, time.monotonic())
        return answer

    def call(self, who: str, kind: str, method: str, path: str, expect: int = 200, **kwargs):
        answer = self.send(who, kind, method, path, **kwargs)
        if answer.status_code != expect:
            raise Refused(f"{kind} as {who}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def close(self) -> None:
        for session in self.all_sessions:
            session.close()


# How a client finds the step it answers (--client):
# - people: as a person does it, open the case, open the step's form, submit it;
# - lean: open the case; a case with one open task gets it posted at once, without opening its form;
# - integration: a system that knows the forms posts the step the last answer named (each answer carries the
#   case's open tasks with their step ids), never opening the case.
CLIENTS = ("people", "lean", "integration")


def take_task(people: People, who: str, instance_id: int, spec_id: str, data: dict, open_tasks: list) -> list:
    """Answer the case's `spec_id` step as `who`; returns the case's open tasks after it, as the answer says.
    `open_tasks`: what the last answer about this case said were its open tasks."""
    def post(task_id: str) -> list:
        done = people.call(who, f"POST task {spec_id}", "POST", f"/api/v1/tasks/{task_id}", json=data)
        return done["instance"]["active_tasks"]

    if people.client == "integration":
        named = [t["id"] for t in open_tasks if t["spec_id"] == spec_id]
        if not named:
            raise Refused(f"no {spec_id} task among the open tasks of instance {instance_id}: {open_tasks}")
        return post(named[0])
    case = people.call(who, "GET instance", "GET", f"/api/v1/instances/{instance_id}")
    if people.client == "lean" and len(case["active_tasks"]) == 1:
        return post(case["active_tasks"][0]["id"])
    for task in case["active_tasks"]:
        opened = people.send(who, "GET task (form)", "GET", f"/api/v1/tasks/{task['id']}")
        if opened.status_code == 200 and opened.json()["spec_id"] == spec_id:
            return post(task["id"])
    raise Refused(f"{who} found no {spec_id} task in instance {instance_id}: {case['active_tasks']}")


def drive_incoming(people: People, office: Office, rng: random.Random, pdf: bytes) -> None:
    clerk = rng.choice(office.clerks)
    values = _metadata_values(rng, vietnam_today())
    values["secrecy"] = "0"  # secret ones take other people's paths; the bench drives the common one
    files = {"file": ("van-ban-den.pdf", io.BytesIO(pdf), "application/pdf")}
    answer = people.send(clerk, "POST incoming (receive)", "POST", "/api/v1/documents/incoming", files=files,
                         data={"metadata": json.dumps(values)})
    if answer.status_code == 409:  # the duplicate warning: the clerk confirms it is another document
        values["confirm_duplicate"] = True
        files["file"][1].seek(0)
        answer = people.call(clerk, "POST incoming (receive)", "POST", "/api/v1/documents/incoming", expect=201,
                             files=files, data={"metadata": json.dumps(values)})
    elif answer.status_code != 201:
        raise Refused(f"incoming as {clerk}: {answer.status_code} {answer.text[:300]}")
    else:
        answer = answer.json()
    instance_id = answer["instance_id"]
    lead, support = rng.sample(office.staffed_units(), 2)
    lead_specialist = rng.choice(office.units[lead]["specialist"])
    support_specialist = rng.choice(office.units[support]["specialist"])
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    steps = [
        (clerk, "register", {"route": "leader"}),
        (rng.choice(office.leaders), "assign", {
            "directing_opinion": "Đơn vị chủ trì tham mưu, đơn vị phối hợp cung cấp số liệu; báo cáo trước hạn.",
            "lead_department_id": lead, "support_department_ids": [support], "due_date": due}),
        (rng.choice(office.units[lead]["unit_head"]), "dispatch_lead", {"specialist": lead_specialist}),
        (rng.choice(office.units[support]["unit_head"]), "dispatch_support", {"specialist": support_specialist}),
        (support_specialist, "contribute", {"contribution": "Số liệu của đơn vị phối hợp: 12 thủ tục đã rà soát."}),
        (lead_specialist, "handle", {"handling_action": "finish", "handling_note": "Đã tham mưu văn bản trả lời",
                                     "reply_reference": "45/SNV-TCCB"}),
    ]
    open_tasks = answer["active_tasks"]
    for who, spec_id, data in steps:
        open_tasks = take_task(people, who, instance_id, spec_id, data, open_tasks)


def drive_outgoing(people: People, office: Office, recipients: list[Office], rng: random.Random, n: int,
                   outside: tuple[str, str] | None = None) -> None:
    """`outside` (code, name): the document goes to that agency outside the installation instead, so its
    release queues an edXML package for the axis."""
    unit = rng.choice(office.staffed_units())
    specialist = rng.choice(office.units[unit]["specialist"])
    leader = rng.choice(office.leaders)
    started = people.call(specialist, "POST start outgoing", "POST", "/api/v1/processes/outgoing_document/instances",
                          expect=201)
    instance_id = started["id"]
    draft = next(t for t in started["active_tasks"])
    drafted = people.call(specialist, "POST task draft", "POST", f"/api/v1/tasks/{draft['id']}", json={
        "doc_type": "CV", "subject": f"Rà soát văn bản đi, văn bản đến năm 2026 (đợt {n})", "body": BODY,
        **({"recipients": [], "external_recipients": f"{outside[0]} - {outside[1]}"} if outside
           else {"recipients": [rng.choice(recipients).code]}), "signer": leader, "authority": "TL.",
        "authority_of": "Chủ tịch", "urgency": 0, "secrecy": 0})
    open_tasks = drafted["instance"]["active_tasks"]
    for who, spec_id, data in [(rng.choice(office.units[unit]["unit_head"]), "review_content", {"decision": "approve"}),
                               (rng.choice(office.checkers), "check_format", {"decision": "approve"}),
                               (leader, "sign", {"decision": "sign", "pin": PIN}),
                               (rng.choice(office.clerks), "issue", {})]:
        open_tasks = take_task(people, who, instance_id, spec_id, data, open_tasks)


def client_loop(number: int, args, people: People, recorder: Recorder, offices: dict[int, Office],
                stop: threading.Event, budget: dict) -> None:
    rng = random.Random(20261206 + number)
    incoming_offices = list(offices.values())
    senders = [o for o in offices.values() if o.short_name in SIGNING_OFFICES
               and o.clerks and o.leaders and o.checkers and o.staffed_units()]
    pdf = minimal_pdf("Van ban den tinh", pages=2)
    kinds = args.kinds
    weights = [YEAR[kind] for kind in kinds]
    n = 0
    while not stop.is_set():
        with budget["lock"]:
            if budget["left"] is not None:
                if budget["left"] <= 0:
                    return
                budget["left"] -= 1
        kind = rng.choices(kinds, weights=weights)[0]
        n += 1
        try:
            if kind == "incoming":
                drive_incoming(people, rng.choice(incoming_offices), rng, pdf)
                recorder.document(kind, time.monotonic())
            else:
                sender = rng.choice(senders)
                # No draw without a share: a run with --axis-share 0 drives the same documents as before.
                outside = rng.choice(args.outside) if args.axis_share and rng.random() < args.axis_share else None
                drive_outgoing(people, sender, [o for o in senders if o is not sender], rng, number * 100000 + n,
                               outside)
                recorder.document(kind, time.monotonic(), outside=outside is not None)
        except (Refused, requests.RequestException, KeyError, ValueError) as error:
            recorder.error(f"{kind}: {type(error).__name__}: {error}")
