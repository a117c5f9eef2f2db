"""Instructions are Markdown with task-data variables, sanitised, and bounded in size, steps and time."""
import time

import pytest

from app.workflow.instructions import check_instructions, render_instructions


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


TOO_COMPLEX = "Hướng dẫn quá phức tạp để hiển thị."
HEAVY_TEMPLATES = [
    "{% for i in range(10**9) %}{% endfor %}",  # the template
    "{% for i in range(1000) %}{% for j in range(1000) %}{{ j }}{% endfor %}{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ 7 ** (3 * 7 ** 8) }}",
    "{{ 'a'.ljust(10**9) }}",
    "{{ '{:>1000000000}'.format(1) }} {{ '{:{}}'.format(1, 10**9) }}",
    "{{ '%01000000000d' | format(1) }}",
    "{% set ns = namespace(s='a' * 100000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{{ [[1]] * 1000 | sum(start=[]) }}",
    "{{ 1 | round(-10**8) }}",
    "{{ ban_ghi * 10**6 }}",  # a value from the task data: only the render can refuse it
]


@pytest.mark.parametrize("template", HEAVY_TEMPLATES)
def test_heavy_templates_show_a_placeholder_quickly(template):
    started = time.monotonic()
    html = render_instructions("Hướng dẫn: " + template, {"ban_ghi": "dữ liệu"})
    assert html == f"<p><em>{TOO_COMPLEX}</em></p>"
    assert time.monotonic() - started < 2  # secondary: the placeholder is what matters
    if "ban_ghi" not in template:
        assert check_instructions(template).startswith(TOO_COMPLEX[:-1] + ": ")


def test_ordinary_templates_render_and_pass_the_check():
    text = ("{% for x in items %}\n- {{ x | upper }}{% endfor %}\n\n{{ items | join(', ') }} {{ '%s/%s' | format(so, nam) }} "
            "{{ 'VB-' ~ so ~ '-' ~ nam }} {{ so * 2 }} {{ '{:>5}'.format(so) }} {{ (2.345) | round(1) }} "
            "{{ [1, 2] | sum }} {{ ten | replace('A', 'Á') }}")
    html = render_instructions(text, {"items": ["a", "b"], "so": 12, "nam": 2026, "ten": "An"})
    assert "<li>A</li>\n<li>B</li>" in html
    assert "a, b 12/2026 VB-12-2026 24    12 2.3 3 Án" in html
    assert check_instructions(text) is None


@pytest.mark.parametrize("template", ["{% for %}", "{{ x | center(10**9) }}", "{{ x | batch(10**9, 0) }}"])
def test_syntax_errors_and_removed_filters_are_refused_at_publish_time(template):
    assert check_instructions(template) == "Hướng dẫn có lỗi cú pháp mẫu ở dòng 1 (hoặc dùng bộ lọc không có)."
    assert render_instructions(template, {"x": "a"}) != f"<p><em>{TOO_COMPLEX}</em></p>"  # shown as text


def test_deep_nesting_is_refused_in_words():
    template = "{{ " + "+".join(["1"] * 3000) + " }}"
    assert render_instructions(template, {}) == f"<p><em>{TOO_COMPLEX}</em></p>"
    assert check_instructions(template) == "Hướng dẫn quá phức tạp để hiển thị: mẫu lồng nhau quá sâu."


def test_long_output_is_cut_by_the_budget():
    template = "{% for i in range(1000) %}{{ chu }}{% endfor %}"
    assert render_instructions(template, {"chu": "x" * 1000}) == f"<p><em>{TOO_COMPLEX}</em></p>"
    assert "xxxx" in render_instructions(template, {"chu": "x" * 10})


def test_other_threads_keep_running_while_a_template_power_is_refused(other_thread):
    with other_thread() as gaps:
        html = render_instructions("{{ n ** (n ** 8) }}", {"n": 7})
    assert html == f"<p><em>{TOO_COMPLEX}</em></p>"
    assert gaps and max(gaps) < 1.0
