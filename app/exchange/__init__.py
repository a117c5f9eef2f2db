"""Liên thông: edXML packages, status packages, outbox/inbox and transports."""
