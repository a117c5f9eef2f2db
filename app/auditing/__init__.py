"""Auditors on top of the chain: case search and history with replay, events export, the audit commands."""
