"""Turn a report model into HTML (self-contained), PDF (WeasyPrint, A4) and charts.

One HTML document serves the screen, the PDF and the public site: the PDF is the same HTML
with the print stylesheet (A4, page numbers, a table of contents with page references), so the
two can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pejling import __version__
from pejling.evaluation.status import GoalStatusCode, ValueAt
from pejling.evaluation.texts import short_reason, source_name
from pejling.formatting import fmt_date, fmt_number, fmt_value
from pejling.periods import Period
from pejling.report.charts import (
    chart_alt,
    data_uri,
    goal_chart_spec,
    map_alt,
    map_spec,
    render_map,
    render_svg,
)
from pejling.report.model import GoalSection, Report, SeriesView, ShownPoint
from pejling.report.texts import STATUS_COLOUR, labels, status_label
from pejling.spec.indicator import IndicatorSpec
from pejling.spec.policy import GoalComment

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pejling.report.download import DataDownload
    from pejling.report.site import NationalEntry

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHART_WIDTH = 400  # px in the HTML, about the SVG's own width (14 px text)
MAP_WIDTH = 360


@dataclass(frozen=True)
class RenderedCharts:
    """A goal's chart and map as data URIs with their text alternatives."""

    chart: str | None
    chart_alt: str
    map: str | None
    map_alt: str
    chart_spec: dict[str, Any] | None
    map_spec: dict[str, Any] | None


@dataclass(frozen=True)
class SiteLinks:
    """Links shown when a report page is part of the public site (relative to the page)."""

    index: str
    pdf: str
    xlsx: str
    policy: str = ""
    goal_pages: bool = False
    docx: str = ""


@dataclass(frozen=True)
class IndexEntry:
    """One policy on the site's front page."""

    report: Report
    href: str
    pdf: str
    xlsx: str
    docx: str = ""


@dataclass(frozen=True)
class FigureColumn:
    """A series in a goal's figure table."""

    name: str
    interval: bool


@dataclass(frozen=True)
class FigureRow:
    """One period of a goal's figure table: one cell per series (None: no figure)."""

    period: Period
    cells: list[ShownPoint | None]


@dataclass(frozen=True)
class FigureTable:
    """The figures behind a goal's chart, periods down and series across."""

    columns: list[FigureColumn]
    rows: list[FigureRow]


def figure_table(g: GoalSection, municipality_name: str, lang: str = "da") -> FigureTable:
    """Pivot a goal's series into one table (what the chart shows, as numbers).

    Every column names its source: the judged series, another source's figures (e.g. those the
    policy document quotes) and the national series are never merged into one column.
    """
    series = [s for s in g.series if s.points]
    columns = [FigureColumn(series_name(g, s, municipality_name, lang), any(p.interval for p in s.points))
               for s in series]  # fmt: skip
    periods: dict[str, Period] = {}
    for s in series:
        for p in s.points:
            periods.setdefault(p.period.label, p.period)
    rows = []
    for label, per in sorted(periods.items(), key=lambda kv: kv[1].t):
        by = [{p.period.label: p for p in s.points}.get(label) for s in series]
        rows.append(FigureRow(per, by))
    return FigureTable(columns, rows)


@dataclass(frozen=True)
class SeriesTable:
    """The figures of one series (one group from one source), periods down."""

    name: str
    counts: bool
    interval: bool
    points: list[ShownPoint]


def series_tables(g: GoalSection, municipality_name: str, lang: str) -> list[SeriesTable]:
    """One small table per series: narrow enough for a printed page and a phone, and each names
    its source, so figures of different sources never share a column."""
    out = []
    for s in g.series:
        if not s.points:
            continue
        out.append(
            SeriesTable(
                series_name(g, s, municipality_name, lang),
                any(p.denominator is not None for p in s.points),
                any(p.interval for p in s.points),
                sorted(s.points, key=lambda p: p.period.t),
            )
        )
    return out


def series_name(g: GoalSection, s: SeriesView, municipality_name: str, lang: str) -> str:
    """A series' name in tables and legends, with its source."""
    t = labels(lang)
    if s.role == "national":
        return f"{t['national']} ({s.source_label})"
    if s.role == "reference":
        return f"{s.label} ({t['group_reference']}; {s.source_label})"
    name = s.label if g.is_gap else municipality_name
    return f"{name} ({s.source_label})"


def render_charts(report: Report) -> dict[str, RenderedCharts]:
    """Render every goal's chart and map to SVG (the slow part: ~30 ms a chart, ~90 ms a map)."""
    out: dict[str, RenderedCharts] = {}
    mun = report.policy.municipality
    for g in report.goals():
        cspec = goal_chart_spec(g, report.municipality_name, report.lang)
        mspec = map_spec(g, mun, report.lang) if g.map else None
        msvg = render_map(g, mun, report.lang) if g.map else None
        out[g.anchor] = RenderedCharts(
            chart=data_uri(render_svg(cspec, report.lang)) if cspec else None,
            chart_alt=chart_alt(g, report.municipality_name, report.lang) if cspec else "",
            map=data_uri(msvg) if msvg else None,
            map_alt=map_alt(g, mun, report.lang) if mspec else "",
            chart_spec=cspec,
            map_spec=mspec,
        )
    return out


def environment(lang: str) -> Environment:
    """The Jinja environment with the report's formatting helpers for one language."""
    env = Environment(
        loader=PackageLoader("pejling.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )

    def value(v: float | None, unit: str) -> str:
        return fmt_value(v, unit, lang)

    def count(v: float | None) -> str:
        return fmt_number(v, 0, lang) if v is not None else "–"

    def period(p: Period) -> str:
        return p.label_da() if lang == "da" else p.label

    def vintage(v: str) -> str:
        return fmt_date(date.fromisoformat(v), lang) if ISO_DATE.match(v) else v

    def data_date(r: Report) -> str:
        dates = [d for d in r.data_dates if ISO_DATE.match(d)]
        if dates:
            return vintage(max(dates))
        return max(r.data_dates) if r.data_dates else "–"

    def national_latest(g: GoalSection) -> ShownPoint | None:
        nat = next((s for s in g.series if s.role == "national"), None)
        if nat is None:
            return None
        pts = nat.visible()
        if g.status.latest is not None:
            pts = [p for p in pts if p.period.t <= g.status.latest.period.t] or pts
        return pts[-1] if pts else None

    def goal_href(g: GoalSection) -> str:
        return f"#{g.anchor}"

    def suppressed_list(r: Report) -> list[tuple[tuple[str, str], list[str]]]:
        """Per goal, which figures are hidden: periods per series, and map municipalities."""
        t = labels(lang)
        out = []
        for g in r.goals():
            parts = []
            for s in g.series:
                hidden = [period(p.period) for p in s.points if p.suppressed]
                if hidden:
                    name = series_name(g, s, r.municipality_name, lang)
                    parts.append(f"{name}: {', '.join(hidden)}")
            if g.map is not None:
                n = sum(1 for v in g.map.values.values() if v is None)
                if n:
                    parts.append(t["suppressed_map"].format(n=n, period=period(g.map.period)))
            if parts:
                out.append(((g.anchor, g.title), parts))
        return out

    def fact_source(v: ValueAt | None) -> str:
        return source_name(v, lang)

    def comment_for(g: GoalSection) -> GoalComment | None:
        """The administration's newest comment on the goal up to the report period."""
        if g.goal is None or g.status.as_of is None:
            return None
        as_of = g.status.as_of
        fitting = [c for c in g.goal.comments if c.period.start <= as_of.end]
        return max(fitting, key=lambda c: c.period.start) if fitting else None

    def spec_text(spec: IndicatorSpec, name: str) -> str:
        """A catalog prose field in the report's language (Danish first, English twin)."""
        if lang == "en":
            english = getattr(spec, f"{name}_en", None)
            if english:
                return str(english)
        value = getattr(spec, name, None)
        return str(value) if value else ""

    env.globals.update(
        comment_for=comment_for,
        spec_text=spec_text,
        short_reason=lambda st: short_reason(st, lang),
        status_label_code=lambda code: status_label(GoalStatusCode(code), lang),
        chart_width=CHART_WIDTH,
        map_width=MAP_WIDTH,
        fact_source=fact_source,
        status_text=lambda st: st.status_label(lang),
        value=value,
        count=count,
        period=period,
        vintage=vintage,
        data_date=data_date,
        national_latest=national_latest,
        zip=zip,
        goal_href=goal_href,
        goal_href_plain=lambda anchor: f"#{anchor}",
        suppressed_list=suppressed_list,
        colour=lambda code: STATUS_COLOUR[GoalStatusCode(code)],
        status_label=lambda code: status_label(code, lang),
        date=lambda d: fmt_date(d, lang),
        version=__version__,
    )
    return env


def stylesheet(lang: str) -> str:
    """The report CSS with the page label of the PDF footer in the report's language."""
    css = resources.files("pejling.report").joinpath("templates/report.css").read_text("utf-8")
    return css.replace("PAGE_LABEL", labels(lang)["page"])


def render_html(
    report: Report, charts: dict[str, RenderedCharts], links: SiteLinks | None = None
) -> str:
    """The whole report as one self-contained HTML document."""
    env = environment(report.lang)
    _report_globals(env, report)
    if links is not None and links.goal_pages:
        env.globals["goal_href"] = lambda g: goal_page_name(g)
    return env.get_template("report.html.j2").render(
        r=report, charts=charts, links=links,
        **_page(report.lang, report.generated, report.synthetic),
    )  # fmt: skip


def _report_globals(env: Environment, report: Report) -> None:
    """Helpers that need the whole report (tables, the summary)."""
    from pejling.report.summary import summary_sentences

    env.globals["figure_table"] = lambda g: figure_table(g, report.municipality_name, report.lang)
    env.globals["series_tables"] = lambda g: series_tables(g, report.municipality_name, report.lang)
    env.globals["summary_sentences"] = summary_sentences
    _comparison_globals(env, report.lang)


def _comparison_globals(env: Environment, lang: str) -> None:
    """The comparison section's words (`pejling.report.comparison_texts`)."""
    from pejling.report import comparison_texts as ct

    env.globals.update(
        cmp_sentences=lambda ic, name: ct.sentences(ic, name, lang),
        cmp_missing=lambda c: ct.missing_sentence(c, lang),
        cmp_similar_how=lambda c: ct.similar_how(c, lang),
        cmp_similar_cells=lambda view, row: ct.similar_cells(view, row, lang),
        cmp_similar_headings=lambda view: ct.similar_headings(view, lang),
        cmp_row_headings=lambda: ct.row_headings(lang),
        cmp_row_cells=lambda row: ct.row_cells(row, lang),
        cmp_title=lambda ic: ct.title(ic, lang),
    )


def goal_page_name(g: GoalSection) -> str:
    """File name of a goal's page on the public site."""
    return f"{g.anchor}.html"


def render_goal_page(
    report: Report, goal: GoalSection, charts: dict[str, RenderedCharts], links: SiteLinks
) -> str:
    """One goal on a page of its own (public site)."""
    env = environment(report.lang)
    _report_globals(env, report)
    return env.get_template("goal_page.html.j2").render(
        r=report, g=goal, charts=charts, links=links,
        **_page(report.lang, report.generated, report.synthetic),
    )  # fmt: skip


def render_index(
    entries: list[IndexEntry],
    lang: str,
    generated: date,
    data: Sequence[DataDownload] = (),
    national: Sequence[NationalEntry] = (),
) -> str:
    """The public site's front page: every policy with its status counts and downloads, the
    national reports (`pejling.report.site.NationalEntry`) and the data files of every published
    figure (`pejling.report.download`)."""
    from pejling.report.download import site_texts
    from pejling.report.texts_national import national_labels

    env = environment(lang)
    synthetic = any(e.report.synthetic for e in entries) or any(
        e.report.synthetic for e in national
    )
    return env.get_template("index.html.j2").render(
        entries=entries, links=None, data=list(data), data_t=site_texts(lang),
        national=list(national), nat_t=national_labels(lang),
        **_page(lang, generated, synthetic),
    )  # fmt: skip


def _page(lang: str, generated: date, synthetic: bool = False) -> dict[str, Any]:
    return {
        "lang": lang,
        "t": labels(lang),
        "generated": generated,
        "css": stylesheet(lang),
        "synthetic": synthetic,
    }


def charts_for_print(charts: dict[str, RenderedCharts]) -> dict[str, RenderedCharts]:
    """The charts with each map as PNG: the PDF renderer does not draw the SVG colour gradient
    of a map legend, while resvg (through vl-convert) does."""
    import base64

    import vl_convert as vlc

    out = {}
    for anchor, c in charts.items():
        if c.map and c.map.startswith("data:image/svg+xml;base64,"):
            svg = base64.b64decode(c.map.split(",", 1)[1]).decode("utf-8")
            png = vlc.svg_to_png(svg, scale=2.5)
            c = replace(c, map="data:image/png;base64," + base64.b64encode(png).decode("ascii"))
        out[anchor] = c
    return out


def render_pdf(html: str) -> bytes:
    """The report as an A4 PDF (page numbers and table of contents come from the print CSS)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # PDF/UA-1: a tagged PDF with a structure tree, so screen readers get headings, tables and
    # the charts' alternative text
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
