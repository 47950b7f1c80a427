"""The audit log for administrators: the newest events first.

An administrator at the national level sees every event; a municipal administrator sees the
events of their municipalities and of the users who belong to them.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.web.access import allow, memberships
from pejling.web.models import NATIONAL, AuditEvent, Membership
from pejling.web.roles import ADMINISTRATORS, Role

PAGE = 100


@allow(ADMINISTRATORS, scoped=False)
def audit_log(request: HttpRequest) -> HttpResponse:
    """A page of the audit log the administrator may see."""
    orgs = {org for org, role in memberships(request.user) if role is Role.ADMINISTRATOR}
    events = AuditEvent.objects.all()
    if NATIONAL not in orgs:
        users = Membership.objects.filter(organisation__code__in=orgs).values("user")
        events = events.filter(Q(municipality__in=orgs) | Q(user__in=users))
    page = Paginator(events, PAGE).get_page(request.GET.get("side"))
    return render(request, "web/audit.html", {"page": page})
