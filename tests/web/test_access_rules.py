"""The access decision itself: closed by default, roles, tenancy."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from pejling.web.access import AccessMiddleware, Rule, allow, municipalities_of, reaches
from pejling.web.roles import ADMINISTRATORS, READERS, Role
from tests.web.conftest import OTHER, OWN, make_user


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _middleware() -> AccessMiddleware:
    return AccessMiddleware(_ok)


@pytest.mark.django_db
def test_a_view_without_a_rule_is_refused_even_to_an_administrator() -> None:
    request = RequestFactory().get("/ny-side/")
    request.user = make_user("admin", Role.ADMINISTRATOR, 0)

    def undeclared(request: HttpRequest) -> HttpResponse:
        return HttpResponse("secret")

    with pytest.raises(PermissionDenied):
        _middleware().process_view(request, undeclared, (), {})


@pytest.mark.django_db
def test_a_declared_view_admits_by_role_and_municipality() -> None:
    view: Any = allow(READERS, scoped=True)(_ok)
    request = RequestFactory().get("/")
    request.user = make_user("laeser", Role.READER)
    assert _middleware().process_view(request, view, (), {"code": OWN}) is None
    with pytest.raises(PermissionDenied):
        _middleware().process_view(request, view, (), {"code": OTHER})
    request.user = AnonymousUser()
    response = _middleware().process_view(request, view, (), {"code": OWN})
    assert response is not None
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_national_level_reaches_every_municipality_but_only_with_an_admitted_role() -> None:
    analyst = make_user("analytiker", Role.NATIONAL_ANALYST, 0)
    assert reaches(analyst, Rule(READERS, scoped=True), OTHER)
    assert not reaches(analyst, Rule(ADMINISTRATORS, scoped=False), None)
    assert len(municipalities_of(analyst, READERS)) == 98
    assert municipalities_of(make_user("laeser", Role.READER), READERS) == [OWN]
