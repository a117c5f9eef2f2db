"""`flask processes sync`: versions are made only for changed files; bad diagrams deploy nothing."""
import shutil

import pytest
from sqlalchemy import select

from app.workflow.deployment import sync_processes
from app.workflow.models import ProcessVersion
from app.workflow.registry import catalogue
from app.workflow.runtime import start_instance


@pytest.fixture
def files(app, tmp_path):
    bpmn_dir, forms_dir = tmp_path / "bpmn", tmp_path / "forms"
    shutil.copytree(app.config["BPMN_DIR"], bpmn_dir)
    shutil.copytree(app.config["FORMS_DIR"], forms_dir)
    return bpmn_dir, forms_dir


def _sync(app, files):
    with app.test_request_context():
        return sync_processes(catalogue(), *files)


def _edit(files, old, new):
    path = files[0] / "assign_work.bpmn"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unchanged_files_make_no_new_version_and_changed_ones_do(app, db, files, make):
    first = _sync(app, files)
    assert [v.number for v in first.created] == [1, 1, 1, 1, 1]  # every catalogued process
    assert sorted(_sync(app, files).unchanged) == ["assign_work", "incoming_document", "outgoing_document",
                                                   "recall_request", "update_request"]
    leader = make.user(roles=("leader",))
    with app.test_request_context():
        running = start_instance("assign_work", actor=leader)
    _edit(files, 'name="Giao việc">', 'name="Giao việc (sửa)">')
    second = _sync(app, files)
    assert [v.number for v in second.created] == [2]
    assert running.version.number == 1  # running instances stay on the version they started with
    with app.test_request_context():
        assert start_instance("assign_work", actor=leader).version.number == 2
    form = files[1] / "assign_work" / "review.schema.json"
    form.write_text(form.read_text(encoding="utf-8").replace("Ý kiến", "Nhận xét"), encoding="utf-8")
    assert [v.number for v in _sync(app, files).created] == [3]  # a form change is a new version too


@pytest.mark.parametrize("old, new, expected", [
    ('name="Chuyên viên"', 'name="Thủ quỹ"', "Làn 'Thủ quỹ' không phải vai trò"),
    ("assign_work/review.schema.json", "assign_work/khong_co.schema.json", "khong_co.schema.json"),
    ("extension_requests = 0", "import os", "không được phép"),
    ("extension_requests = 0", "extension_requests = 7 ** (3 * 7 ** 8)", "lũy thừa cho kết quả khoảng"),
    ("Báo cáo tiến độ, kết quả; hoặc xin gia hạn.", "{% for i in range(10**9) %}{% endfor %}",
     "Hướng dẫn quá phức tạp để hiển thị: Phép tính bị từ chối vì quá lớn: range()"),
    ("Báo cáo tiến độ, kết quả; hoặc xin gia hạn.", "Báo cáo {{ due_date | center(10**9) }}",
     "Hướng dẫn có lỗi cú pháp mẫu ở dòng 1"),
    ('report_kind == "extension"', "open('/etc/passwd')", "open"),
    ('<bpmn:startEvent id="start"', '<bpmn:startEvent id="start" bogus="1"', "bogus"),
    ("</bpmn:definitions>", "", "XML"),
])
def test_invalid_diagrams_are_refused_with_a_reason(app, db, files, old, new, expected):
    _edit(files, old, new)
    report = _sync(app, files)
    assert report.created == [] and report.problems
    assert any(expected in str(problem) for problem in report.problems), report.problems
    assert db.session.scalars(select(ProcessVersion)).all() == []


def test_sync_command_prints_versions(app, db):
    result = app.test_cli_runner().invoke(args=["processes", "sync"])
    assert result.exit_code == 0 and "assign_work phiên bản 1" in result.output


def test_a_new_versions_form_is_checked_by_its_own_validator(app, db, files):
    """Validators are built once per form and cached with it; a form changed by a new version must not be
    checked by the validator of the version before."""
    from types import SimpleNamespace

    from app.workflow.form_submission import validate_data
    from app.workflow.task_pages import task_shape

    def review_form(number):
        version = db.session.scalars(select(ProcessVersion).filter_by(process_id="assign_work", number=number)).one()
        return task_shape(SimpleNamespace(instance=SimpleNamespace(version=version), spec_id="review")).form

    _sync(app, files)
    first = review_form(1)
    assert first.validator is review_form(1).validator  # built once
    answer = {"review_decision": "accept", "review_comment": "x" * 2001}
    with app.test_request_context():
        assert set(validate_data(first, answer)) == {"review_comment"}
    form = files[1] / "assign_work" / "review.schema.json"
    form.write_text(form.read_text(encoding="utf-8").replace('"maxLength": 2000', '"maxLength": 3000'), encoding="utf-8")
    assert [v.number for v in _sync(app, files).created] == [2]
    second = review_form(2)
    assert second.validator is not first.validator
    with app.test_request_context():
        assert validate_data(second, answer) == {}
        assert set(validate_data(review_form(1), answer)) == {"review_comment"}  # the old version keeps its own
