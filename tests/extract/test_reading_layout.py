"""Reading printed layouts: hard-wrapped lines, page furniture (running header, page number,
continuation note), lines that end inside an open 《 or on a preposition."""
from kg.extract.reading import page_furniture, read_bytes, wrap_width

W = 24


def _wrap(par: str) -> list[str]:
    return [par[i:i + W] for i in range(0, len(par), W)]


PARS = ["一、加强组织领导",
        "一是制定《某某县农业农村局关于加强村级财务管理的实施办法》，明确审批流程和监督责任，全年检查村级账目126本，发现问题37个。",
        "二是开展专项整治，对挪用集体资金问题立案8件，追回资金846万元，处分干部5人，切实维护群众利益。",
        "三是强化监督检查，班子成员多次带队深入基层一线，督促落实整改责任，组织纪检干部到",
        "村级组织开展监督检查3轮，督促整改问题15个。"]


def _wrapped_page() -> str:
    lines = []
    for p in PARS:
        lines += _wrap(p) + [""]
    # page breaks in the middle of the second and third paragraphs, with the running header printed again
    cut = lines.index(_wrap(PARS[2])[1])
    lines[cut:cut] = ["- 2 -", "某某日报  2024年6月3日  第3版"]
    cut = lines.index(_wrap(PARS[1])[2])
    lines[cut:cut] = ["（下转第3版）", "- 1 -", "某某日报  2024年6月3日  第3版", "（上接第2版）"]
    return "\n".join(lines) + "\n"


def test_hard_wrapped_blocks_are_paragraphs_joined_without_alarms():
    src = _wrapped_page()
    assert wrap_width([s.strip() for s in src.split("\n")]) == W
    t = read_bytes(src.encode(), "x")
    pars = t.text.split("\n")
    assert pars[:3] == PARS[:3]                 # the title cut over two lines, 846|万元 and the page break joined
    assert pars[3] == PARS[3] + PARS[4]         # a block that ends mid-sentence is joined …
    broken = [a for a in t.anomalies if a.kind == "broken_paragraph"]
    assert [a.text for a in broken] == ["整改责任，组织纪检干部到村级组织开展监督检查3轮"]   # … the only broken paragraph
    furniture = [a for a in t.anomalies if a.kind == "page_furniture"]      # one for each page break
    assert [a.text for a in furniture] == ["（下转第3版） - 1 - 某某日报  2024年6月3日  第3版 （上接第2版）",
                                           "- 2 - 某某日报  2024年6月3日  第3版"]
    assert len({a.span for a in t.anomalies}) == len(t.anomalies)   # one graph node each
    assert "日报" not in t.text and "转第" not in t.text and "接第" not in t.text
    # evidence still points at the original lines: the words after the page break are on their own line
    src_lines = src.split("\n")
    after = _wrap(PARS[1])[2]
    assert t.line_of(t.text.index(after)) == src_lines.index(after) + 1


def test_plain_text_is_not_taken_for_hard_wrapped():
    src = "\n\n".join(PARS) + "\n"
    assert wrap_width(src.split("\n")) is None


def test_page_furniture_needs_a_repeated_dated_line():
    lines = ["2024年6月3日", "一是加强领导。", "- 2 -", "第3页", "3/5", "二是完善制度。"]
    assert page_furniture(lines) == {2: "page number", 3: "page number", 4: "page number"}
    # a note on the last line ends the report: it is kept (a truncated report), not removed
    assert page_furniture(["一是加强领导，", "（下转第4版）"]) == {}


def test_line_ending_inside_an_open_title_is_joined():
    t = read_bytes("（1）认真执行《工作指引》，印发《某某县人民\n法院执行案件流程管理办法》，实行节点管控。\n".encode(), "x")
    assert t.text == "（1）认真执行《工作指引》，印发《某某县人民法院执行案件流程管理办法》，实行节点管控。"
    assert [a.kind for a in t.anomalies] == ["broken_paragraph"]


def test_stray_quote_before_a_full_stop_joins_nothing():
    t = read_bytes("一是开展“回头看。\n整改工作取得成效。\n".encode(), "x")
    assert t.text.count("\n") == 1 and not t.anomalies


def test_paragraph_ending_on_a_preposition_or_conjunction_is_broken():
    t = read_bytes("二是加强执法稽查，对\n发现的问题立即整改。\n三是由区市场监管局和\n区教育局联合检查。\n".encode(), "x")
    assert t.text == "二是加强执法稽查，对发现的问题立即整改。\n三是由区市场监管局和区教育局联合检查。"
    assert len([a for a in t.anomalies if a.kind == "broken_paragraph"]) == 2


def test_paragraph_ending_on_a_word_is_not_broken():
    """存在, 目的 end in 在/的 as words: a heading that ends so is no broken paragraph."""
    t = read_bytes("1．形式主义问题依然存在\n一是加强领导。\n".encode(), "x")
    assert t.text.count("\n") == 1 and not t.anomalies
