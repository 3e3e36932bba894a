"""The participation chart: a bar chart placed in the template, refreshed with the report's data.

A chart whose shape name starts with ``Participation chart`` receives one category per group of
`participation_by_band`, its rate as the value and its band colour as the bar's fill. Everything
else (axes, number formats, data labels, fonts) stays as the template sets it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from pptx.chart.data import CategoryChartData

from cipdocs.pptx_template.chart import colour_bars, fit_labels, index_by_position
from cipdocs.render.files import normalize_zip
from cipdocs.report.present import ParticipationView

CHART_NAME = "participation chart"
NUMBER_FORMAT = '0"%"'

# python-pptx's own annotations are partial; through `Any` its helpers stay callable under
# mypy --strict.
CHART_DATA: Any = CategoryChartData

CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def is_participation_chart(shape: Any) -> bool:
    """Return True for the chart the renderer fills."""
    return bool(shape.has_chart) and str(shape.name).lower().startswith(CHART_NAME)


def fill_participation_chart(
    shape: Any, rows: Sequence[ParticipationView], report_date: dt.date
) -> None:
    """Replace the chart's data with `rows`, colour each bar by its band, keep the formatting."""
    chart = shape.chart
    plot = chart.plots[0]
    old_series = list(plot.series)
    name = old_series[0].name if old_series else "Participation rate"
    data = CHART_DATA(number_format=NUMBER_FORMAT)
    # python-pptx cannot write a chart without categories; one blank one draws an empty chart.
    data.categories = [row.group for row in rows] or [""]
    index_by_position(data.categories)
    values: list[int | None] = [row.rate for row in rows]
    data.add_series(name, values or [None], NUMBER_FORMAT)
    chart.replace_data(data)
    colour_bars(plot.series[0]._element, [row.colour for row in rows])
    fit_labels(chart, shape.height, len(rows))
    fix_workbook_dates(chart, report_date)


def fix_workbook_dates(chart: Any, report_date: dt.date) -> None:
    """Pin the embedded workbook's creation dates, which XlsxWriter sets to now."""
    part = chart.part.chart_workbook.xlsx_part
    if part is None:
        return
    stamp = f"{report_date.isoformat()}T00:00:00Z".encode()
    source = zipfile.ZipFile(io.BytesIO(part.blob))
    target = io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                data = CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            rewritten.writestr(member, data)
    part.blob = normalize_zip(target.getvalue())
