"""The report as each document carries it: `summary --json` plus versions, and back to a Report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from cipdocs import __version__
from cipdocs.report.as_json import report_as_json
from cipdocs.report.model import (
    Band,
    BandRow,
    Meeting,
    Milestone,
    Participation,
    Report,
    Representation,
    RoadmapPhase,
    Status,
    StatusRow,
)

FORMAT_VERSION = 1
"""Raised when the embedded record changes in a way an older cipdocs cannot read."""


class RecordError(ValueError):
    """The embedded record is not one this cipdocs can read; the message says why."""


class NewerFormatError(RecordError):
    """The record was written by a newer cipdocs, in a format version this one does not know."""


def report_record(report: Report) -> dict[str, object]:
    """Return what a document carries of `report`: its `summary --json` and the versions."""
    return {"format": FORMAT_VERSION, "cipdocs": __version__, **report_as_json(report)}


def report_from_json(data: object) -> Report:
    """Return the Report a record holds; raise `RecordError` when it is not a sound record."""
    if not isinstance(data, dict):
        raise RecordError("it is not a JSON object")
    record: Mapping[str, Any] = data
    version = record.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordError("it has no format version")
    if version > FORMAT_VERSION:
        made_by = record.get("cipdocs")
        raise NewerFormatError(
            f"it was written by cipdocs {made_by if isinstance(made_by, str) else '(newer)'} "
            f"in data format {version}, newer than this cipdocs {__version__} reads "
            f"(format {FORMAT_VERSION}); upgrade cipdocs (pip install --upgrade cipdocs)"
        )
    try:
        return _report(record)
    except (KeyError, TypeError, ValueError) as error:
        raise RecordError(f"its data is incomplete or damaged ({error})") from None


def _report(record: Mapping[str, Any]) -> Report:
    bands = [
        Band(_str(row["band"]), _int(row["low"]), _int(row["high"]), _optional_str(row["colour"]))
        for row in map(_mapping, _list(record["bands"]))
    ]
    by_name = {band.name: band for band in bands}
    statuses = [
        StatusRow(Status(_str(row["status"]), _str(row["label"])), _strings(row["groups"]))
        for row in map(_mapping, _list(record["statuses"]))
    ]
    return Report(
        source_name=_str(record["workbook"]),
        report_date=_date(record["report_date"]),
        meetings_held=_int(record["meetings_held"]),
        statuses=tuple(statuses),
        representation=Representation(
            _int(record["groups_total"]),
            _int(record["groups_represented"]),
            _strings(record["unrepresented"]),
            _strings(record["groups"]),
        ),
        participation=tuple(
            Participation(
                _str(row["group"]),
                _int(row["attended"]),
                _int(row["held"]),
                _int(row["rate"]),
                by_name[_str(row["band"])],
                _optional_date(row.get("since")),
                _int(row.get("not_expected", 0)),
            )
            for row in map(_mapping, _list(record["participation"]))
        ),
        bands=tuple(
            BandRow(band, _strings(row["groups"]))
            for band, row in zip(bands, map(_mapping, _list(record["bands"])), strict=True)
        ),
        milestones=tuple(
            Milestone(_str(row["milestone"]), _str(row["status"]) or None)
            for row in map(_mapping, _list(record["milestones"]))
        ),
        roadmap=tuple(
            RoadmapPhase(
                _str(row["phase"]),
                _date(row["start"]),
                _date(row["end"]),
                _str(row["status"]) or None,
            )
            for row in map(_mapping, _list(record["roadmap"]))
        ),
        # Added after format 1 was first written: older records have none of these.
        meetings=tuple(
            Meeting(_str(row["meeting"]), _date(row["date"]), row["cancelled"] is True)
            for row in map(_mapping, _list(record.get("meetings", [])))
        ),
        represented_since=tuple(
            (_str(group), _date(since))
            for group, since in _mapping(record.get("represented_since", {})).items()
        ),
        uncounted=_strings(record.get("uncounted", [])),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{str(value)[:40]!r} is not an object")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{str(value)[:40]!r} is not a list")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _strings(value: object) -> tuple[str, ...]:
    return tuple(_str(item) for item in _list(value))


def _optional_date(value: object) -> dt.date | None:
    return None if value is None else _date(value)


def _date(value: object) -> dt.date:
    return dt.date.fromisoformat(_str(value))
