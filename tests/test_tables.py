"""Hand-written CSV tables (toolkit/tables.py) on the shipped lexicons, as written and as spreadsheets save them."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from conftest import ROOT, to_cp1258
from toolkit.tables import csv_rows, read_table

LEXICONS = Path(tk.__file__).parent / "resources" / "lexicons"
# Every shipped table the toolkit reads with read_table, and the columns its reader requires.
SHIPPED = [(LEXICONS / "themes_v3.csv", ["theme", "term", "weight", "context", "note"]),
           (LEXICONS / "contexts_v3.csv", ["context", "term"]),
           (LEXICONS / "blockers_v3.csv", ["blocker", "blocks"]),
           (ROOT / "tests" / "data" / "other_question" / "themes_health.csv", ["theme", "term", "weight", "context"])]


@pytest.mark.parametrize("path, required", SHIPPED, ids=lambda v: v.name if isinstance(v, Path) else None)
def test_shipped_tables_read_as_pandas_reads_them(path, required):
    frame, lines = read_table(path, required, "table")
    expected = pd.read_csv(path, dtype=str, keep_default_na=False).apply(lambda c: c.str.strip())
    pd.testing.assert_frame_equal(frame, expected)
    # Each row's line in the file: the header is line 1, and none of these files has a blank line or a quoted break.
    text = path.read_text(encoding="utf-8")
    assert "\n\n" not in text and len(text.splitlines()) == len(frame) + 1
    assert lines == list(range(2, len(frame) + 2))


def _as_excel_saves(path: Path, delimiter: str) -> bytes:
    """``path`` saved by Excel in a Vietnamese locale: byte-order mark, ``delimiter``, CRLF, two empty cells at
    the right edge, and a blank row after the first."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(rows[0] + ["", ""])
    writer.writerow(rows[1] + ["", ""])
    writer.writerow([""] * (len(rows[0]) + 2))
    writer.writerows(row + ["", ""] for row in rows[2:])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_the_shipped_lexicon_saved_by_excel_reads_the_same(tmp_path, delimiter):
    path, required = SHIPPED[0]
    as_written, lines = read_table(path, required, "lexicon")
    saved = tmp_path / "themes.csv"
    saved.write_bytes(_as_excel_saves(path, delimiter))
    frame, saved_lines = read_table(saved, required, "lexicon")
    pd.testing.assert_frame_equal(frame, as_written)
    assert saved_lines == [2] + [line + 1 for line in lines[1:]]       # the blank row is counted, not read


def test_refusals_name_the_file_as_shown_the_line_and_the_fix(tmp_path):
    path, required = SHIPPED[0]
    text = path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"

    def refused(data: bytes, message: str):
        bad.write_bytes(data)
        with pytest.raises(tk.ToolkitError, match=message):
            read_table(bad, required, "lexicon", shown="my/themes.csv")

    refused(text.encode("utf-16"), r"^my/themes\.csv: the lexicon is saved as UTF-16 \(Excel's 'Unicode Text'\); "
                                   r"save it as 'CSV UTF-8")
    # Windows-1258 bytes: the first byte that is not UTF-8 is on the first line holding a non-ASCII letter.
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if not line.isascii())
    refused(to_cp1258(text), rf"^my/themes\.csv, line {first}: the lexicon is not valid UTF-8 .*'CSV UTF-8")
    refused(b"\r\n \r\n", r"^my/themes\.csv: the lexicon is empty; write a header line theme,term,weight,context,note")
    refused(text.replace("theme,term", "Theme,Term", 1).encode(),
            r"missing column\(s\) theme, term in the lexicon; .*Column names are lower case: read 'Theme' for 'theme'")
    refused(text.replace("note", "note,term", 1).encode(), r"^my/themes\.csv, line 1: column\(s\) 'term' appear twice")
    lines = text.splitlines()
    n = len(next(csv.reader(lines[:1])))
    refused("\n".join(lines[:3] + [lines[3] + ",x"] + lines[4:]).encode(),
            rf"^my/themes\.csv, line 4: {n + 1} values but the header has {n} columns; a value that contains commas "
            r"must be quoted \(\"...\"\) \(in the lexicon\)")
    refused("\n".join([lines[0] + ","] + lines[1:4] + [lines[4] + ",x"] + lines[5:]).encode(),
            rf"^my/themes\.csv, line 5: column {n + 1} has values but no name in the header of the lexicon")
    with pytest.raises(tk.ToolkitError, match=r"^my/none\.csv: cannot read the lexicon"):
        read_table(tmp_path / "none.csv", required, "lexicon", shown="my/none.csv")


def test_csv_rows_gives_the_line_each_row_starts_on():
    # A quoted value over two lines, CR, LF and CRLF line ends and blank lines: rows start on lines 2, 5 and 7.
    text = 'doc_id,title\r\na1,"Hai dòng\ntiêu đề"\n\n b2 ,Một dòng\r\r\nc3\n'
    header, rows, lines = csv_rows(text, ",", lambda line, message: ValueError(f"line {line}: {message}"))
    assert header == ["doc_id", "title"]
    assert rows == [["a1", "Hai dòng\ntiêu đề"], [" b2 ", "Một dòng"], ["c3", ""]]      # cells as written
    assert lines == [2, 5, 7]
    with pytest.raises(ValueError, match=r"^line 3: 3 values but the header has 2 columns; a value that contains "
                                         r"semicolons must be quoted"):
        csv_rows("a;b\n1;2\n1;2;3\n", ";", lambda line, message: ValueError(f"line {line}: {message}"))
    assert csv_rows(" \r\n", ",", ValueError) == ([], [], [])
