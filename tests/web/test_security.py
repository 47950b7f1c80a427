"""Security headers, the Content-Security-Policy, cookies and sessions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from pejling.web.roles import Role
from tests.web.conftest import OWN, PASSWORD, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "src/pejling/web/templates"


@pytest.mark.django_db
def test_headers_on_every_page(web_ws: Path) -> None:
    client = Client()
    client.force_login(make_user("laeser", Role.READER))
    for url in ("/login/", f"/kommune/{OWN}/", f"/kommune/{OWN}/maal/roskilde-2015/maal-3a/"):
        response = client.get(url, follow=url == "/login/")
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(web_ws: Path) -> None:
    client = Client()
    client.force_login(make_user("administrator", Role.ADMINISTRATOR))
    for url in (
        "/login/",
        f"/kommune/{OWN}/",
        f"/kommune/{OWN}/maal/roskilde-2015/maal-3a/",
        "/revision/",
    ):
        page = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert "<style" not in page, url
        assert " style=" not in page, url
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert " style=" not in text, path
        assert "<style" not in text, path


@pytest.mark.django_db
def test_session_cookie_is_secure_http_only_and_expires(web_ws: Path) -> None:
    make_user("laeser", Role.READER)
    client = Client()
    response = client.post("/login/", {"username": "laeser", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert client.session.get_expire_at_browser_close()


@pytest.mark.django_db
def test_passwords_are_hashed_with_a_slow_hash() -> None:
    user = make_user("laeser", Role.READER)
    assert user.password.startswith(("pbkdf2_sha256$", "argon2$", "scrypt$"))
    assert PASSWORD not in user.password


@pytest.mark.django_db
def test_login_needs_the_csrf_token() -> None:
    make_user("laeser", Role.READER)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "laeser", "password": PASSWORD})
    assert response.status_code == 403
