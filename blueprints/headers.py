"""Security headers on every response (security review F7).

Five fixed headers, so a small ``after_request`` rather than a library: Flask-Talisman, the
maintained one, also redirects to HTTPS and rewrites cookies, which the embedded development
server and the reverse proxy of the deployment already decide. The pages have no inline
script or style (everything is in ``static/``), so the policy needs no ``unsafe-inline``.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")  # (frame-ancestors for older browsers)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
