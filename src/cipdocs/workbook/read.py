"""Read the workbook from disk with openpyxl: cells in, plain rows with their coordinates out."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import IO, Any

from cipdocs.workbook.cells import read_sheet
from cipdocs.workbook.formulas import iter_unsaved_formulas, read_formulas
from cipdocs.workbook.limits import check_workbook_contents
from cipdocs.workbook.opening import cannot_open, check_workbook_file
from cipdocs.workbook.raw import (
    CellValue,
    RawCell,
    RawRow,
    RawSheet,
    RawTable,
    RawWorkbook,
)
from cipdocs.workbook.trim import (
    is_sheet_part,
    never_calculated,
    plain_inline_text,
    without_empty_cells,
)

__all__ = [
    "CellValue",
    "RawCell",
    "RawRow",
    "RawSheet",
    "RawTable",
    "RawWorkbook",
    "iter_unsaved_formulas",
    "read_workbook",
]


def read_workbook(path: Path) -> RawWorkbook:
    """Return the non-empty cells of every sheet of the .xlsx at `path`, opened read-only."""
    check_workbook_file(path)
    # One handle for openpyxl and the formula scan; handing openpyxl a stream also stops it
    # judging the file by its extension (a real .xlsx saved as "tracker.xls" still reads).
    with path.open("rb") as file, warnings.catch_warnings():
        # No library warning ever reaches the user's screen: what matters is reported by us.
        warnings.simplefilter("ignore")
        prepared = check_workbook_contents(path, file)
        stream = without_empty_cells(path, file, prepared)
        book, parts, read = _load(path, stream)
        try:
            uncalculated = never_calculated(path, stream)
            formulas = read_formulas(path, stream, parts, read)
            sheets = tuple(
                read_sheet(sheet, formulas.get(sheet.title, {}), uncalculated)
                for sheet in book.worksheets
            )
        finally:
            book.close()
    return RawWorkbook(path.name, sheets, uncalculated, _lock_file(path))


def _lock_file(path: Path) -> str:
    """Return the name of Excel's lock file beside `path` when one stands there, else ''."""
    # Excel names it ~$ plus the file name; Word-style long names lose their first two letters.
    for name in (f"~${path.name}", f"~${path.name[2:]}"):
        if (path.parent / name).is_file():
            return name
    return ""


# What openpyxl's ExcelReader.read() does, step by step, with the part each step reads: a
# failure is then named by its part, never by openpyxl's own classes.
_READ_STEPS = (
    ("read_manifest", "its list of parts ([Content_Types].xml)"),
    ("read_strings", "its shared text (xl/sharedStrings.xml)"),
    ("read_workbook", "its workbook part (xl/workbook.xml)"),
    ("read_properties", "its document properties (docProps/)"),
    ("read_custom", "its custom properties (docProps/custom.xml)"),
    ("read_theme", "its theme (xl/theme/)"),
    ("apply_stylesheet", "its styles (xl/styles.xml)"),
    ("read_worksheets", "a worksheet"),
    ("assign_names", "its defined names (xl/workbook.xml)"),
)


def _load(path: Path, stream: IO[bytes]) -> tuple[Any, dict[str, str], dict[str, bytes]]:
    """Return openpyxl's workbook (cached values only), its sheet title -> part map, and the
    worksheet parts it read, as stored."""
    # imported here so `cipdocs --help` stays fast
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = None
    where = "its package"
    try:
        # ExcelReader is what openpyxl.load_workbook runs; using it directly keeps its map
        # from sheet names to worksheet parts, which the scan for unsaved formulas needs.
        reader = ExcelReader(
            stream, read_only=False, keep_vba=False, data_only=True, keep_links=False
        )
        # The same zip, handing the worksheets on with their plain inline text as text
        # results, and keeping them as stored for the formula scan.
        reader.archive.close()
        reader.archive = archive = _PlainTextArchive(stream)
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, conditional formats);
            # they do not change the values we read.
            warnings.simplefilter("ignore")
            for step, part in _READ_STEPS:
                where = part
                if step == "apply_stylesheet":
                    apply_stylesheet(reader.archive, reader.wb)
                elif step == "assign_names":
                    reader.parser.assign_names()
                else:
                    getattr(reader, step)()
        return reader.wb, _worksheet_parts(reader), archive.sheets
    except Exception as error:  # a hostile file can make openpyxl fail in any way
        raise cannot_open(path, error, where) from error
    finally:
        if reader is not None:
            reader.archive.close()


def _worksheet_parts(reader: Any) -> dict[str, str]:
    """Return sheet title -> worksheet part name, for the worksheets openpyxl read."""
    return {
        sheet.name: rel.target
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    }


class _PlainTextArchive(zipfile.ZipFile):
    """The workbook's zip as openpyxl opens it, handing worksheets on with `plain_inline_text`.

    openpyxl inflates each worksheet once, through `open`: the text is changed there, with no
    second copy of the package. The parts as stored are kept in `sheets` for the formula scan.
    """

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file)
        self.sheets: dict[str, bytes] = {}

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, **options: Any) -> Any:
        """Return the member `name`, a worksheet with its plain inline text as text results."""
        part = super().open(name, mode, pwd, **options)
        if mode != "r" or not isinstance(name, str) or not is_sheet_part(name):
            return part
        with part:
            xml = self.sheets[name] = part.read()
        return io.BytesIO(plain_inline_text(xml))
