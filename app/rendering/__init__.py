"""Printable output: PDF through WeasyPrint, CSV and XLSX exports of registers and reports.

Import the submodules directly. `pdf` and `registers` import WeasyPrint (about half a second to a
second), so this package's `__init__` imports nothing: a list page that only exports CSV/XLSX
through `app.rendering.tables` must not pay for WeasyPrint.
"""
