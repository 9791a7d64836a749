"""Reading hash lists: every malformed row comes back with its line and a specific reason, the
good rows pass, the header is required, and a long list streams in constant memory."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

import pytest

from moderator_gui.core.dupes.hashlist import HashListError, ListRow, ListRowError, read_hash_list, write_hash_list

CATS = ("porn_violence", "self_harm_csam")
HEADER = "signal_type,signal,category,note\n"


def read(text: str) -> list[ListRow | ListRowError]:
    return list(read_hash_list(io.StringIO(text), CATS))


def test_rows_and_their_errors_with_line_numbers() -> None:
    text = (
        "\ufeff" + HEADER
        + f"pdq,{'A' * 64},porn_violence,upper case hex is fine\n"
        + f"pdq,{'a' * 63},porn_violence,\n"
        + "\n"
        + f"sha1,{'a' * 40},porn_violence,\n"
        + f"md5,{'g' * 32},porn_violence,\n"
        + f"sha256,{'b' * 64},nonsense,\n"
        + f"md5,{'c' * 32}\n"
        + f"md5,{'c' * 32},porn_violence,a,b\n"
        + f'sha256,{"d" * 64},self_harm_csam,"a note, with a comma\nand a line break"\n'
        + f"md5,{'e' * 32},porn_violence\n"
    )  # fmt: skip
    got = read(text)
    assert got == [
        ListRow(2, "pdq", "a" * 64, "porn_violence", "upper case hex is fine"),
        ListRowError(3, "hex of the wrong length: pdq needs 64 hex digits, got 63"),
        ListRowError(5, "unknown signal type 'sha1' (expected pdq, sha256 or md5)"),
        ListRowError(6, f"not hexadecimal: {'g' * 32!r}"),
        ListRowError(7, "unknown category 'nonsense'"),
        ListRowError(8, "missing field: category"),
        ListRowError(9, "too many fields: 5 (expected 4)"),
        ListRow(10, "sha256", "d" * 64, "self_harm_csam", "a note, with a comma\nand a line break"),
        ListRow(12, "md5", "e" * 32, "porn_violence", ""),
    ]


@pytest.mark.parametrize("text", ["", "type,value\nmd5,x\n"])
def test_a_missing_or_wrong_header_is_refused(text: str) -> None:
    with pytest.raises(HashListError, match="signal_type,signal,category,note"):
        read(text)


def test_write_then_read_round_trip() -> None:
    out = io.StringIO()
    rows = [("pdq", "f" * 64, "porn_violence", "x, y"), ("md5", "0" * 32, "self_harm_csam", "")]
    assert write_hash_list(out, rows) == 2
    got = read(out.getvalue())
    assert [(r.signal_type, r.signal, r.category, r.note) for r in got if isinstance(r, ListRow)] == rows


class Generated(io.TextIOBase):
    """A list of ``n`` rows made as it is read, never held whole."""

    def __init__(self, n: int) -> None:
        self._lines = self._make(n)

    @staticmethod
    def _make(n: int) -> Iterator[str]:
        yield HEADER
        for i in range(n):
            yield f"pdq,{i:064x},porn_violence,row {i}\n"

    def readable(self) -> bool:
        return True

    def __next__(self) -> str:
        return next(self._lines)

    def __iter__(self) -> Iterator[str]:
        return self


def test_a_long_list_streams_in_constant_memory() -> None:
    n = 300_000
    tracemalloc.start()
    try:
        count = 0
        for row in read_hash_list(Generated(n), CATS):
            assert isinstance(row, ListRow)
            count += 1
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < 2_000_000, f"peak {peak} bytes while streaming {n} rows"
