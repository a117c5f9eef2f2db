"""Headers every response carries: scripts only from this site, no framing by others, no MIME sniffing,
and nothing kept in shared or browser caches except the site's own static assets."""
from flask import Flask, request

# 'unsafe-inline' for styles only: a few style attributes size the PDF viewer; scripts never run inline.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
                           "form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
# Scripts, styles and fonts are the same for everyone; every other response (document pages, PDFs,
# API JSON) may be someone's official documents, which must not stay on a shared computer's disk.
CACHEABLE_ENDPOINTS = {"static", "web.vendor_asset", "web.favicon"}


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response
