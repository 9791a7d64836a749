"""core.dupes.hashlist: exchanged hash lists, read as a stream of good rows and explained bad ones.

Each malformed kind of row comes back with its physical line number and its reason; good
rows pass through around it. A list written by ``write_hash_list`` reads back the same. A
2,000,000-row list produced lazily streams through in a few MB (tracemalloc).
"""

from __future__ import annotations

import io
import tracemalloc

import pytest

from moderator_gui.core.dupes.hashlist import (
    HashListError,
    ListRow,
    ListRowError,
    read_hash_list,
    write_hash_list,
)

CATEGORIES = frozenset({"csam", "grooming", "self_harm"})
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
MD5 = "098f6bcd4621d373cade4e832627b4f6"
HEADER = "signal_type,signal,category,note\n"


def read(text: str) -> list[ListRow | ListRowError]:
    return list(read_hash_list(io.StringIO(text, newline=""), CATEGORIES))


def test_good_rows_pass_through():
    text = HEADER + f"pdq,{PDQ.upper()},csam,first\nSHA256, {SHA} ,grooming,\nmd5,{MD5},self_harm,x\n"
    assert read(text) == [
        ListRow(2, "pdq", PDQ, "csam", "first"),
        ListRow(3, "sha256", SHA, "grooming", ""),
        ListRow(4, "md5", MD5, "self_harm", "x"),
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (f"pdq,{PDQ[:-1]},csam,n", "hex of the wrong length: pdq needs 64 hex digits, got 63"),
        (f"pdq,{PDQ}0,csam,n", "hex of the wrong length: pdq needs 64 hex digits, got 65"),
        (f"md5,{SHA},csam,n", "hex of the wrong length: md5 needs 32 hex digits, got 64"),
        (f"sha256,{MD5},csam,n", "hex of the wrong length: sha256 needs 64 hex digits, got 32"),
        (f"pdq,{PDQ[:10]}g{PDQ[11:]},csam,n", "not hexadecimal: 'g' at position 11 of the signal"),
        (f"md5,0x{MD5[2:]},csam,n", "not hexadecimal: 'x' at position 2 of the signal"),
        (f"foo,{PDQ},csam,n", "unknown signal type 'foo' (expected pdq, sha256 or md5)"),
        (f"pdq,{PDQ},x,n", "unknown category 'x'"),
        (f"pdq,{PDQ},CSAM,n", "unknown category 'CSAM'"),
        (f"pdq,{PDQ},csam", "missing field note"),
        (f"pdq,{PDQ}", "missing fields category, note"),
        ("pdq", "missing fields signal, category, note"),
        ("pdq,,csam,n", "missing field signal (it is empty)"),
        (f",{PDQ},csam,n", "missing field signal_type (it is empty)"),
        (f"pdq,{PDQ}, ,n", "missing field category (it is empty)"),
        (f"pdq,{PDQ},csam,a,b", "too many fields: 5 instead of 4 (quote a note that contains a comma)"),
        (f'pdq,{PDQ},csam,"a"b', "malformed CSV: ',' expected after '\"'"),
    ],
)
def test_each_malformed_kind_has_its_line_and_reason(row, reason):
    text = HEADER + f"md5,{MD5},csam,before\n" + row + "\n" + f"sha256,{SHA},grooming,after\n"
    assert read(text) == [
        ListRow(2, "md5", MD5, "csam", "before"),
        ListRowError(3, reason),
        ListRow(4, "sha256", SHA, "grooming", "after"),
    ]


def test_line_numbers_are_physical_lines_with_blank_lines_and_multiline_notes():
    text = (
        "\ufeff" + HEADER  # a byte-order mark, as Excel writes "CSV UTF-8"
        + "\n"  # 2: blank
        + f'pdq,{PDQ},csam,"two\nlines, with a comma and ""quotes"""\n'  # 3-4
        + "   \n"  # 5: blank (spaces)
        + f"md5,{MD5[:5]},csam,n\n"  # 6
        + f'sha256,{SHA},grooming,"a\n\nb"\r\n'  # 7-9
        + f"md5,{MD5},zzz,n"  # 10, no final newline
    )  # fmt: skip
    assert read(text) == [
        ListRow(3, "pdq", PDQ, "csam", 'two\nlines, with a comma and "quotes"'),
        ListRowError(6, "hex of the wrong length: md5 needs 32 hex digits, got 5"),
        ListRow(7, "sha256", SHA, "grooming", "a\n\nb"),
        ListRowError(10, "unknown category 'zzz'"),
    ]


def test_an_unclosed_quote_is_reported_on_the_line_it_opens():
    text = HEADER + f"md5,{MD5},csam,ok\n" + f'pdq,{PDQ},csam,"never closed\nmd5,{MD5},csam,swallowed\n'
    assert read(text) == [
        ListRow(2, "md5", MD5, "csam", "ok"),
        ListRowError(3, "malformed CSV: a quoted field that starts here is never closed"),
    ]


def test_crlf_file_read_through_a_binary_stream_with_bom():
    data = ("\ufeff" + HEADER + f"pdq,{PDQ},csam,n\n").replace("\n", "\r\n").encode("utf-8")
    f = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    assert list(read_hash_list(f, CATEGORIES)) == [ListRow(2, "pdq", PDQ, "csam", "n")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        f"pdq,{PDQ},csam,n\n",  # no header: data from the first line
        "signal_type,signal,category\n",
        "signal_type,signal,category,note,extra\n",
        "type,hash,category,note\n",
    ],
)
def test_missing_or_wrong_header_names_the_expected_columns(text):
    with pytest.raises(HashListError, match=r"header signal_type,signal,category,note \(columns signal_type, signal"):
        read(text)


def test_header_case_and_spaces_are_forgiven():
    assert read(f"Signal_Type, Signal ,CATEGORY,note\npdq,{PDQ},csam,\n") == [ListRow(2, "pdq", PDQ, "csam", "")]


def test_round_trip():
    rows = [
        ("pdq", PDQ, "csam", "plain"),
        ("sha256", SHA, "grooming", 'comma, "quote" and\nnewline'),
        ("md5", MD5, "self_harm", ""),
        ("md5", MD5, "csam", " leading and trailing spaces "),
    ]
    buf = io.StringIO(newline="")
    assert write_hash_list(buf, iter(rows)) == 4
    buf.seek(0)
    back = list(read_hash_list(buf, CATEGORIES))
    assert all(isinstance(r, ListRow) for r in back)
    assert [(r.signal_type, r.signal, r.category, r.note) for r in back] == rows
    assert [r.line for r in back] == [2, 3, 5, 6]


def test_writer_refuses_a_row_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"row 2 has 3 values, expected 4"):
        write_hash_list(io.StringIO(), [("pdq", PDQ, "csam", ""), ("pdq", PDQ, "csam")])


class LazyList(io.TextIOBase):
    """A text file whose lines are made as they are read: ``rows`` data rows after the header,
    every 1000th one bad. Holds nothing but a counter."""

    def __init__(self, rows: int):
        self.rows = rows
        self.k = -1

    def readable(self):
        return True

    def readline(self, size=-1):
        self.k += 1
        if self.k == 0:
            return HEADER
        if self.k > self.rows:
            return ""
        if self.k % 1000 == 0:
            return f"md5,{self.k:x},csam,bad\n"
        return f"pdq,{self.k:064x},csam,row {self.k}\n"


def test_a_long_list_streams_in_constant_memory():
    # 200,000 rows (the peak is ~19 KB whatever the length: 2,000,000 rows measured the same,
    # but take 40 s under tracemalloc; bench/bench_match.py and a 10M-row import are by hand).
    rows = 200_000
    good = bad = 0
    tracemalloc.start()
    try:
        for r in read_hash_list(LazyList(rows), CATEGORIES):
            if isinstance(r, ListRow):
                good += 1
            else:
                bad += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (good, bad) == (rows - rows // 1000, rows // 1000)
    assert peak < 2 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming {rows:,} rows"
