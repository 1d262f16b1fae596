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


@pytest.mark.parametrize("src,quote", [
    # the page was cut: the last paragraph stops in the middle of a sentence
    ("一、总体\n一是加强领导。三是以整改促发展，加快推进重点项目建设，切实把巡察整改成效转化为\n", "切实把巡察整改成效转化为"),
    ("一、总体\n一是加强领导。二是对已签约的项目逐项清理，对\n", "二是对已签约的项目逐项清理，对"),
    ("一、总体\n整改情况：一是修订完善相关管理制度，加强制度执行情况的监督检查，推动形成用制度管权管事管人的长效机制，对\n",
     "推动形成用制度管权管事管人的长效机制，对"),
    # … also when the web page's footer follows the cut
    ("一、总体\n一是加强领导。二是完善制度，推动形成\n责任编辑：某某\n【打印本页】【关闭窗口】\n", "二是完善制度，推动形成"),
])
def test_text_that_stops_mid_sentence_is_truncated(src, quote):
    t = read_bytes(src.encode(), "x")
    assert t.truncated
    (a,) = [a for a in t.anomalies if a.kind == "truncated"]
    assert a.text == quote and t.text[a.span.start:a.span.end] == quote


def test_continuation_note_before_a_footer_marks_truncation():
    t = read_bytes("一、总体\n一是加强领导。（转第4版）\n责任编辑：某某\n【打印本页】\n".encode(), "x")
    assert t.truncated and [a.text for a in t.anomalies if a.kind == "truncated"] == ["（转第4版）"]


@pytest.mark.parametrize("end", [
    "中共某某委员会\n2023年9月28日\n",                                      # signature and date
    "欢迎监督。联系电话：0736-5216637\n",                                     # a phone number
    "欢迎监督。联系电话：0736-5216637；通信地址：某某市建设路16号局办公室\n",     # an address
    "欢迎监督。电子邮箱：xszg@example.com.cn\n",
    "三、持续巩固整改成果，推动事业高质量发展\n",                              # a heading
    "一是加强领导。\n来源：某某办公室　　发布时间：2022-01-18\n【打印本页】　【关闭窗口】\n",
    "一是加强领导。（完）\n",
])
def test_complete_text_is_not_truncated(end):
    t = read_bytes(("一、总体\n一是加强领导。二是完善制度。\n" + end).encode(), "x")
    assert not t.truncated and [a for a in t.anomalies if a.kind == "truncated"] == []


def test_broken_paragraph_without_a_full_stop_is_joined():
    """A measure broken before a figure (18.6亿元 is no list marker), a paragraph of ；-separated
    measures broken after 对: each is joined and reported."""
    t = read_bytes(("（2）建立重点项目包联机制，对古城保护利用等项目实行“一项目一专班”，2023年完成项目投资\n"
                    "18.6亿元，同比增长12.4%。\n"
                    "整改措施：第一，出台《服务行动计划》；第二，对已签约的27个合作项目逐项清理，对\n\n"
                    "推进缓慢的9个项目明确责任人。\n").encode(), "x")
    assert t.text.count("\n") == 1
    texts = [a.text for a in t.anomalies if a.kind == "broken_paragraph"]
    assert len(texts) == 2 and "项目投资18.6亿元" in texts[0] and "清理，对推进缓慢" in texts[1]


@pytest.mark.parametrize("src", [
    "中共某某部部务会关于二十届中央第二轮\n巡视整改进展情况的通报\n根据党中央统一部署，开展了巡视。\n",   # a title over two lines
    "一、提高政治站位，压实整改政治责任\n一是加强领导。\n",                                          # a heading with a comma
    "（一）关于贯彻落实党中央决策部署，落实全面从严治党“两个责任”有差距的整改情况\n1. 理论学习不够深入。\n",
    "首页 > 政务公开 > 巡视整改\n来源：某某厅　　发布时间：2023-05-16 10:30\n字号：大 中 小\n根据省委统一部署，开展了巡视。\n",
])
def test_lines_that_are_no_broken_paragraph(src):
    t = read_bytes(src.encode(), "x")
    assert t.text.count("\n") == src.strip().count("\n")
    assert [a for a in t.anomalies if a.kind == "broken_paragraph"] == []


def test_joining_many_lines_is_linear():
    """Thousands of lines that each stop mid-sentence are joined in one pass (the paragraph is not
    re-read for every line it gains)."""
    t = read_bytes(("加强领导完善制度，\n" * 40_000).encode(), "x")
    assert "\n" not in t.text and len(t.text) == 360_000
    assert all(len(a.text) <= 80 for a in t.anomalies)
