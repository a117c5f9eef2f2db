"""Liên thông: edXML packages, status packages, the directory of external agencies, outbox/inbox and
transports."""
