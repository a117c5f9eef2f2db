"""Liên thông: edXML packages, the directory of external agencies, outbox/inbox and transports."""
