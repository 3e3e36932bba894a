"""Charts in the written deck: their embedded workbooks pinned to the report date."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from typing import Any

from pptx.chart.data import CategoryChartData

from cipdocs.package.archive import PackageDamaged, PackageRefused, check_package
from cipdocs.render.files import normalize_zip

CHART_NAME = "participation chart"
NUMBER_FORMAT = '0"%"'

# python-pptx's own annotations are partial; through `Any` its helpers stay callable under
# mypy --strict.
CHART_DATA: Any = CategoryChartData

CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fix_workbook_dates(chart: Any, report_date: dt.date) -> None:
    """Pin the embedded workbook's creation dates, which XlsxWriter sets to now."""
    part = chart.part.chart_workbook.xlsx_part
    if part is None:
        return
    blob = part.blob
    try:
        # A template's chart may embed an old .xls, or a damaged or crafted workbook: it is
        # left as the template has it, never inflated past its limits.
        check_package(io.BytesIO(blob), len(blob))
    except (PackageRefused, PackageDamaged, zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        return
    stamp = f"{report_date.isoformat()}T00:00:00Z".encode()
    source = zipfile.ZipFile(io.BytesIO(blob))
    target = io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                data = CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            rewritten.writestr(member, data)
    part.blob = normalize_zip(target.getvalue())
