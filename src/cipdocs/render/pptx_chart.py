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
from cipdocs.render.files import write_normalized

CHART_NAME = "participation chart"
NUMBER_FORMAT = '0"%"'

# python-pptx's own annotations are partial; through `Any` its helpers stay callable under
# mypy --strict.
CHART_DATA: Any = CategoryChartData

CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fix_workbook_dates(chart: Any, report_date: dt.date) -> None:
    """Pin the embedded workbook's creation dates, which XlsxWriter sets to now."""
    part = embedded_workbook(chart)
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
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        # One pass: the dates pinned as the workbook is re-packed as write_document packs.
        part.blob = write_normalized(
            (member.filename, pinned(member.filename, source.read(member.filename), stamp))
            for member in source.infolist()
        )


def pinned(name: str, data: bytes, stamp: bytes) -> bytes:
    """Return the part `name` of a chart workbook with its creation dates set to `stamp`."""
    if name != "docProps/core.xml":
        return data
    return CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)


def embedded_workbook(chart: Any) -> Any | None:
    """Return the part of the .xlsx workbook embedded in `chart`; None when it has none, links
    to a file outside the deck, or embeds an older Excel file."""
    key = chart.part.chart_workbook._chartSpace.xlsx_part_rId
    relationship = chart.part.rels.get(key) if key else None
    if relationship is None or relationship.is_external:
        return None
    part = relationship.target_part
    return part if zipfile.is_zipfile(io.BytesIO(part.blob)) else None
