"""Record: the report each document carries, and reading it back into a Report."""

from __future__ import annotations

import copy
import json

import pytest

from cipdocs import __version__
from cipdocs.report.as_json import report_as_json
from cipdocs.report.model import Report
from cipdocs.report.record import (
    FORMAT_VERSION,
    NewerFormatError,
    RecordError,
    report_from_json,
    report_record,
)


def test_record_is_the_summary_json_with_the_versions(sample_report: Report) -> None:
    record = report_record(sample_report)
    assert record.pop("format") == FORMAT_VERSION
    assert record.pop("cipdocs") == __version__
    assert record == report_as_json(sample_report)


def test_record_reads_back_into_the_same_report(sample_report: Report) -> None:
    record = json.loads(json.dumps(report_record(sample_report)))
    assert report_from_json(record) == sample_report


def damaged(change: str) -> object:
    """Return the sample's record with one thing broken, as `change` says."""
    from cipdocs.loading import load_report
    from tests.conftest import SAMPLE_WORKBOOK

    record = copy.deepcopy(report_record(load_report(SAMPLE_WORKBOOK).report))
    if change == "no date":
        del record["report_date"]
    elif change == "bad date":
        record["report_date"] = "30/08/2024"
    elif change == "count as text":
        record["meetings_held"] = "13"
    elif change == "unknown band":
        participation = record["participation"]
        assert isinstance(participation, list)
        participation[0]["band"] = "Nowhere"
    elif change == "bands not a list":
        record["bands"] = {"band": "100%"}
    elif change == "boolean count":
        record["groups_total"] = True
    return record


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([], "it is not a JSON object"),
        ({"report_date": "2024-08-30"}, "it has no format version"),
        ({"format": "1"}, "it has no format version"),
        ({"format": 0}, "it has no format version"),
        (damaged("no date"), "its data is incomplete or damaged ('report_date')"),
        (
            damaged("bad date"),
            "its data is incomplete or damaged (Invalid isoformat string: '30/08/2024')",
        ),
        (
            damaged("count as text"),
            "its data is incomplete or damaged ('13' is not a whole number)",
        ),
        (damaged("unknown band"), "its data is incomplete or damaged ('Nowhere')"),
        (
            damaged("bands not a list"),
            "its data is incomplete or damaged (\"{'band': '100%'}\" is not a list)",
        ),
        (
            damaged("boolean count"),
            "its data is incomplete or damaged (True is not a whole number)",
        ),
    ],
)
def test_unsound_records_are_refused_with_the_reason(record: object, message: str) -> None:
    with pytest.raises(RecordError) as raised:
        report_from_json(record)
    assert str(raised.value) == message
    assert not isinstance(raised.value, NewerFormatError)


def test_a_newer_format_says_to_upgrade() -> None:
    with pytest.raises(NewerFormatError) as raised:
        report_from_json({"format": FORMAT_VERSION + 1, "cipdocs": "9.0.0"})
    assert str(raised.value) == (
        f"it was written by cipdocs 9.0.0 in data format {FORMAT_VERSION + 1}, newer than this "
        f"cipdocs {__version__} reads (format {FORMAT_VERSION}); upgrade cipdocs "
        "(pip install --upgrade cipdocs)"
    )
