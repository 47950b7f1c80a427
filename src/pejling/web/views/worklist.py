"""The personal worklist: what needs doing in the municipalities the user reaches.

Three kinds of item, each decided here from the policy files and the statuses of
`pejling status` (nothing re-judged):

- an initiative whose next follow-up (`follow_up`) is past, today or within 14 days, and that
  is neither carried out nor stopped;
- a goal without fresh data: no figure at all, or a latest figure older than the goal's
  measurement frequency says (the period after it, plus one period for publication, has
  passed); goals judged at their deadline (`final`) need no newer figure and are left out;
- a goal off track without a comment for the period of its latest figure (or later).

A municipal user sees the items of their municipalities. A user at the national level reaches
all 98: they see a count per municipality with items, and a municipality's items when they
choose it (`?kommune=<code>`, refused for a municipality the user does not reach).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.evaluation.status import GoalStatus, GoalStatusCode
from pejling.formatting import fmt_date
from pejling.periods import Period
from pejling.reference.municipalities import name_of
from pejling.report.model import section_anchor
from pejling.spec.policy import Goal, InitiativeStatus, Policy
from pejling.spec.types import Frequency
from pejling.web.access import allow, memberships, municipalities_of
from pejling.web.goals import municipal_status, workspace
from pejling.web.models import NATIONAL
from pejling.web.roles import READERS
from pejling.web.views.goal import initiative_status_da, may_edit, optional_url
from pejling.web.views.national_access import danish_order
from pejling.workspace import Workspace

#: an initiative's follow-up is on the list this many days ahead
AHEAD = timedelta(days=14)
#: how long one measurement period is, in months
MONTHS = {
    Frequency.YEARLY: 12,
    Frequency.HALF_YEARLY: 6,
    Frequency.QUARTERLY: 3,
    Frequency.MONTHLY: 1,
}
FREQUENCY_DA = {
    Frequency.YEARLY: "årligt",
    Frequency.HALF_YEARLY: "halvårligt",
    Frequency.QUARTERLY: "kvartalsvis",
    Frequency.MONTHLY: "månedligt",
}
DONE = (InitiativeStatus.ENDED, InitiativeStatus.STOPPED)


@dataclass(frozen=True)
class Item:
    """One thing to do: what, why (Danish), where to do it, and when it is due (for order)."""

    kind: str  # "follow_up", "data" or "comment"
    code: int
    policy: str
    title: str
    why: str
    url: str | None
    action: tuple[str, str] | None = None  # (text, URL) of the page where it is done
    due: date | None = None


@dataclass
class Worklist:
    """One municipality's items by kind."""

    code: int
    name: str
    follow_up: list[Item] = field(default_factory=list)
    data: list[Item] = field(default_factory=list)
    comment: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        """All items."""
        return len(self.follow_up) + len(self.data) + len(self.comment)


def add_months(d: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale(latest: Period, frequency: Frequency, today: date) -> bool:
    """Whether a figure for `latest` is older than the frequency allows: the next period and one
    more for publication have both ended before today."""
    return add_months(latest.end, 2 * MONTHS[frequency]) < today


def commented(goal: Goal, s: GoalStatus) -> bool:
    """Whether the goal has a comment for the period of its latest figure or later."""
    wanted = s.latest.period if s.latest is not None else s.as_of
    if wanted is None:
        return bool(goal.comments)
    return any(c.period.end >= wanted.end for c in goal.comments)


def _due_text(d: date, today: date) -> str:
    if d < today:
        days = (today - d).days
        return f"Opfølgningen var {fmt_date(d)} ({days} {'dag' if days == 1 else 'dage'} siden)."
    if d == today:
        return f"Opfølgningen er i dag, {fmt_date(d)}."
    days = (d - today).days
    return f"Opfølgningen er {fmt_date(d)} (om {days} {'dag' if days == 1 else 'dage'})."


def _goal_url(code: int, policy: str, goal_id: str) -> str | None:
    return optional_url(
        "web:goal", code=code, policy=policy, anchor=section_anchor(goal_id, key_figure=False)
    )


def initiative_items(policy: Policy, today: date, edit: bool) -> list[Item]:
    """The policy's initiatives whose follow-up is due (see the module's docstring)."""
    code = policy.municipality
    goal_ids = [g.id for _t, g in policy.goals()]
    items = []
    for i in policy.initiatives:
        if i.follow_up is None or i.status in DONE or i.follow_up > today + AHEAD:
            continue
        linked = [gid for gid in goal_ids if i in policy.initiatives_for(gid)]
        followup = optional_url("web:followup", code=code) if edit else None
        items.append(
            Item(
                "follow_up",
                code,
                policy.id,
                i.title,
                f"{_due_text(i.follow_up, today)} Status: {initiative_status_da(i)}."
                + (f" Ansvarlig: {i.owner}." if i.owner else ""),
                _goal_url(code, policy.id, linked[0]) if linked else None,
                ("Opfølgning", followup) if followup else None,
                i.follow_up,
            )
        )
    return sorted(items, key=lambda it: it.due or today)


def goal_items(s: GoalStatus, goal: Goal, today: date, edit: bool) -> list[Item]:
    """A goal's items: no fresh data, and off track without a comment."""
    if not s.is_goal:
        return []
    code, title = s.municipality_code, s.label or s.statement
    url = _goal_url(code, s.policy_id, s.goal_id)
    items = []
    frequency = goal.measurement.frequency if goal.measurement else Frequency.YEARLY
    if not s.final:
        why = ""
        if s.latest is None:
            why = "Målet har ingen tal endnu."
        elif stale(s.latest.period, frequency, today):
            why = (
                f"Seneste tal er fra {s.latest.period.label_da()}; "
                f"målet måles {FREQUENCY_DA[frequency]}."
            )
        if why:
            items.append(Item("data", code, s.policy_id, title, why, url))
    if s.status is GoalStatusCode.OFF_TRACK and not commented(goal, s):
        period = s.latest.period.label_da() if s.latest else ""
        comment = (
            optional_url(
                "web:goal_comment",
                code=code,
                policy=s.policy_id,
                anchor=section_anchor(s.goal_id, key_figure=False),
            )
            if edit
            else None
        )
        items.append(
            Item(
                "comment",
                code,
                s.policy_id,
                title,
                "Ikke på rette vej, og ingen bemærkning"
                + (f" for {period} eller senere." if period else "."),
                url,
                ("Skriv kommentar", comment) if comment else None,
            )
        )
    return items


def worklists(ws: Workspace, codes: list[int], today: date, user: Any) -> list[Worklist]:
    """The items of these municipalities, one list each (municipalities without items left
    out), in Danish alphabetical order."""
    wanted = set(codes)
    lists = {c: Worklist(c, name_of(c)) for c in codes}
    goals: dict[tuple[str, str], Goal] = {}
    for lp in ws.load_policies():
        p = lp.policy
        if p.is_national or p.municipality not in wanted:
            continue
        lists[p.municipality].follow_up += initiative_items(
            p, today, may_edit(user, p.municipality)
        )
        goals.update({(p.id, g.id): g for _t, g in p.goals()})
    for policy in municipal_status(ws).policies:
        for s in policy.statuses:
            goal = goals.get((s.policy_id, s.goal_id))
            if s.municipality_code not in wanted or goal is None:
                continue
            for item in goal_items(s, goal, today, may_edit(user, s.municipality_code)):
                getattr(lists[s.municipality_code], item.kind).append(item)
    found = [w for w in lists.values() if w.total]
    return sorted(found, key=lambda w: danish_order(w.name))


@allow(READERS, scoped=False)
def worklist(request: HttpRequest) -> HttpResponse:
    """The user's worklist (see the module's docstring)."""
    codes = municipalities_of(request.user, READERS)
    national = any(org == NATIONAL for org, _role in memberships(request.user))
    chosen = request.GET.get("kommune", "")
    if chosen:
        if (
            not (chosen.isascii() and chosen.isdigit() and len(chosen) <= 9)
            or int(chosen) not in codes
        ):
            raise PermissionDenied("Du har ikke adgang til denne kommune.")
        codes = [int(chosen)]
    lists = worklists(workspace(), codes, date.today(), request.user)
    summary = national and not chosen
    return render(
        request,
        "web/worklist.html",
        {
            "lists": lists,
            "summary": summary,
            "chosen": name_of(int(chosen)) if chosen else "",
            "today": fmt_date(date.today()),
            "ahead": AHEAD.days,
        },
    )
