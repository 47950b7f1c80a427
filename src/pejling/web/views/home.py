"""The start page: straight to the user's municipality, or a list when they reach several."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pejling.reference.municipalities import name_of
from pejling.web.access import allow, municipalities_of
from pejling.web.goals import municipal_status, workspace
from pejling.web.roles import READERS


@allow(READERS, scoped=False)
def home(request: HttpRequest) -> HttpResponse:
    """A municipal user goes to their overview; a national user chooses among the
    municipalities that have policies in the workspace."""
    codes = municipalities_of(request.user, READERS)
    if len(codes) == 1:
        return redirect("web:overview", code=codes[0])
    with_policies = {
        s.municipality_code for p in municipal_status(workspace()).policies for s in p.statuses
    }
    shown = [(c, name_of(c)) for c in codes if c in with_policies]
    return render(request, "web/home.html", {"municipalities": shown})
