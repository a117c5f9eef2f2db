"""Time the rule pack run on the server (node + bpmnlint, app/workflow/js_lint.py) per shipped diagram.

Usage: .venv/bin/python bench/lint.py [--rounds N]
Each round lints every file of bpmn/ without the verdict cache (a new node process each time, as the
first check of a new draft does), then once more from the cache. Prints the median per diagram.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.workflow import js_lint  # noqa: E402
from app.workflow.registry import catalogue  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with create_app().app_context():
        options = js_lint.lint_options(catalogue().operators)
    for path in sorted((Path(__file__).resolve().parents[1] / "bpmn").glob("*.bpmn")):
        bpmn, cold = path.read_bytes(), []
        for _ in range(rounds):
            js_lint._verdicts.clear()
            started = time.perf_counter()
            js_lint.js_lint(bpmn, options)
            cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        js_lint.js_lint(bpmn, options)
        cached = time.perf_counter() - started
        print(f"{path.name:28} {len(bpmn) // 1024:4} KB  node run median {statistics.median(cold) * 1000:6.0f} ms"
              f"  cached {cached * 1e6:6.0f} µs")


if __name__ == "__main__":
    main()
