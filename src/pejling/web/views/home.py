"""The start page: straight to the user's municipality, or a chooser when they reach several.

A national user's chooser lists every municipality they reach (all 98), each with how many
goals and key figures its own policies in the workspace have, and leads to the national
comparison and the worklist.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pejling.reference.municipalities import name_of
from pejling.web.access import allow, municipalities_of
from pejling.web.goals import municipal_status, workspace
from pejling.web.roles import READERS
from pejling.web.views.national_access import danish_order, is_national


@allow(READERS, scoped=False)
def home(request: HttpRequest) -> HttpResponse:
    """A municipal user goes to their overview; a national user chooses among the
    municipalities (or goes on to the national comparison)."""
    codes = municipalities_of(request.user, READERS)
    if len(codes) == 1:
        return redirect("web:overview", code=codes[0])
    goals: dict[int, int] = {}
    for p in municipal_status(workspace()).policies:
        for s in p.statuses:
            goals[s.municipality_code] = goals.get(s.municipality_code, 0) + 1
    shown = sorted(
        ((c, name_of(c), goals.get(c, 0)) for c in codes), key=lambda row: danish_order(row[1])
    )
    return render(
        request,
        "web/home.html",
        {
            "municipalities": shown,
            "with_policies": sum(1 for _c, _n, g in shown if g),
            "national": is_national(request.user),
        },
    )
