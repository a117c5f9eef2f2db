"""Instructions are Markdown with task-data variables, sanitised."""
from app.workflow.instructions import render_instructions


def test_markdown_and_variables():
    html = render_instructions("**Hạn**: {{ due_date }}\n\n- Bước 1\n- Bước 2", {"due_date": "2026-12-01"})
    assert "<strong>Hạn</strong>: 2026-12-01" in html and "<li>Bước 1</li>" in html


def test_scripts_and_handlers_are_removed():
    html = render_instructions('<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>',
                               {})
    # Raw HTML is shown as text and a javascript: link is not made a link.
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_sandbox_blocks_attribute_tricks_and_missing_variables_keep_the_text():
    html = render_instructions("{{ ''.__class__.__mro__ }} Xem {{ khong_co }}", {})
    assert "mro" in html and "Xem" in html and "object" not in html
    assert render_instructions("{{ data.__class__ }}", {"data": {}}) != ""
