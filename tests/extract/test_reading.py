"""Reading: decoding, normalization, line map, broken paragraphs, truncation, bad input."""
import pytest

from kg.errors import KgInputError
from kg.extract.reading import read, read_bytes

from ..conftest import REPORTS, write


def test_utf8_bom_gb18030_and_crlf_read_the_same():
    src = "一、总体情况\r\n\r\n一是加强领导。\r\n"
    plain = read_bytes(src.encode("utf-8"), "a").text
    assert read_bytes(b"\xef\xbb\xbf" + src.encode("utf-8"), "b").text == plain
    t = read_bytes(src.encode("gb18030"), "c")
    assert t.text == plain and t.encoding == "gb18030"
    assert "\r" not in plain


def test_broken_paragraph_is_joined_and_mapped_back_to_lines():
    t = read_bytes("标题\n\n2. 引领广大作家书写和记录伟大事业、\n\n时代精神。一是强化导向。\n".encode(), "x")
    assert "伟大事业、时代精神。" in t.text
    off = t.text.index("时代精神")
    assert t.line_of(off) == 5 and t.line_of(t.text.index("引领")) == 3
    (a,) = [a for a in t.anomalies if a.kind == "broken_paragraph"]
    assert "事业、时代精神" in a.text


def test_heading_without_punctuation_is_not_joined():
    t = read_bytes("一、提高政治站位\n\n一是加强领导。\n".encode(), "x")
    assert t.text == "一、提高政治站位\n一是加强领导。"
    assert not t.anomalies


def test_continuation_marker_marks_truncation():
    t = read_bytes("一、总体\n一是加强领导。（下转第3版）\n".encode(), "x")
    assert t.truncated
    assert [a.text for a in t.anomalies if a.kind == "truncated"] == ["（下转第3版）"]


def test_seed_line_map_points_at_original_lines():
    t = read(REPORTS[0].parent / "zuoxie_2020.txt")
    original = (REPORTS[0].parent / "zuoxie_2020.txt").read_text(encoding="utf-8").split("\n")
    for start, line in zip(t.line_starts, t.line_numbers):
        assert original[line - 1].strip().startswith(t.text[start:start + 10])


@pytest.mark.parametrize("data,problem", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x00\x01\x02binary\x00" * 50, "binary"),
    (bytes(range(128, 256)) * 20, "decode"),
])
def test_bad_input_gets_a_clear_error(tmp_path, data, problem):
    p = write(tmp_path, "bad.txt", data)
    with pytest.raises(KgInputError) as e:
        read(p)
    assert str(p) in str(e.value) and problem in str(e.value)


def test_missing_and_huge_files(tmp_path, monkeypatch):
    with pytest.raises(KgInputError, match="no such file"):
        read(tmp_path / "missing.txt")
    import kg.extract.reading
    monkeypatch.setattr(kg.extract.reading, "MAX_BYTES", 100)
    with pytest.raises(KgInputError, match="too large"):
        read(write(tmp_path, "big.txt", "一" * 200))
