"""Inputs beyond plain text (kg.extract.sources): the same report saved as a web page with navigation and
footer, as a page saved "as a single file" (.mhtml), as a Word file with automatic list numbering and as a PDF
printed by Chromium reads as the .txt does, and `kg build` gives the same problem categories, measures and
regulation links for all of them; UTF-16 text, Kangxi radicals, refused formats, report ids of odd file names."""
from __future__ import annotations

import csv
import email.header
import html
import io
import quopri
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import KgInputError
from kg.extract import sources
from kg.extract.reading import read
from kg.rdf.graph import report_id
from kg.store.inputs import expand_paths

from ..conftest import MINI, ROOT, write

#: the report ../shared/reports/dev_1.txt (the project keeps the same file in data/reports/)
DEV_1 = ROOT / "data" / "reports" / "dev_1.txt"
CHROMIUM = Path("/usr/bin/chromium")
URL = "https://www.hysw.gov.cn/xxgk/xszg/202106/t20210625_3456789.html"
KGO = "https://w3id.org/kg-rectify/ontology#"
KANGXI = re.compile("[\u2f00-\u2fdf\u2e80-\u2eff]")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _paragraphs(text: str) -> tuple[str, list[str]]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0], lines[1:]


def web_page(text: str, saved_from: bool = True) -> str:
    """The report as a ministry's site shows it: a top bar, logo and search, a navigation bar, a breadcrumb, the
    title, an info bar (来源 / 发布时间 / 浏览次数 / 字体 / 打印 / 关闭), the text, share buttons, previous and
    next articles, related links and the site's footer (as a browser's "save page" writes it)."""
    title, body = _paragraphs(text)
    paras = "\n".join(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in body)
    note = f"<!-- saved from url=({len(URL):04d}){URL} -->\n" if saved_from else ""
    return f"""<!DOCTYPE html>
{note}<html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="SiteName" content="海洋事务部门户网站">
<meta name="ColumnName" content="巡视整改">
<meta name="PubDate" content="2021-06-25 10:30">
<meta name="ContentSource" content="海洋事务部">
<title>{html.escape(title)}_海洋事务部门户网站</title>
<style>body{{font-family:"Noto Serif CJK SC",serif;margin:0}} .nav li{{display:inline;margin:0 1em}}
.article{{max-width:900px;margin:auto}} h1{{text-align:center;font-size:22px}} .info{{text-align:center;color:#666}}
.footer{{background:#eee;text-align:center;font-size:12px}}</style>
<script>function setFontSize(s){{document.getElementById("zoom").style.fontSize=s+"px";}}</script>
</head><body>
<div class="top"><span>今天是：2021年6月25日 星期五</span> <a href="#">无障碍浏览</a> <a href="#">繁体版</a>
<a href="#">English</a></div>
<div class="header"><div class="logo"><img src="logo.png" alt="海洋事务部">海洋事务部</div>
<form class="search"><input type="text" placeholder="请输入关键字"><button type="submit">搜索</button></form>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/jgsz/">机构设置</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/ztzl/">专题专栏</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; <a href="/xwzx/xszg/">巡视整改</a></div>
<div class="article">
<h1 class="title">{html.escape(title)}</h1>
<div class="info"><span>来源：海洋事务部</span> <span>发布时间：2021-06-25 10:30</span> <span>浏览次数：2356</span>
<span>【字体：<a href="javascript:setFontSize(18)">大</a> <a href="javascript:setFontSize(16)">中</a>
<a href="javascript:setFontSize(14)">小</a>】</span> <span><a href="javascript:window.print()">【打印本页】</a></span>
<span><a href="javascript:window.close()">【关闭窗口】</a></span></div>
<div class="content" id="zoom">
{paras}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="prevnext"><p>上一篇：<a href="#">海洋事务部召开巡视整改工作推进会</a></p>
<p>下一篇：<a href="#">海洋事务部举办“学思践悟”专题读书班</a></p></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">中央第十巡视组向海洋事务部党组反馈巡视情况</a></li>
<li><a href="#">海洋事务部党组召开巡视整改专题民主生活会</a></li></ul></div>
</div>
<div class="footer"><p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">使用帮助</a></p>
<p>主办单位：海洋事务部　版权所有：海洋事务部　地址：北京市东城区海运仓1号　邮编：100007</p>
<p>京ICP备05012345号　京公网安备11010102000123号　网站标识码：bm92000001</p></div>
</body></html>
"""


def single_file_page(page: str, title: str) -> bytes:
    """``page`` saved by Chromium "as a single file" (.mhtml): the HTML part quoted-printable, the style sheet
    and the logo as further parts."""
    b = "----MultipartBoundary--Xk2vQ9mRHtL0aZ7pW3cE1nYs8uBdFgJ6oTiK4----"
    qp = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    subject = email.header.Header(title, "utf-8").encode()
    return (f"From: <Saved by Blink>\r\nSnapshot-Content-Location: {URL}\r\nSubject: {subject}\r\n"
            "Date: Fri, 25 Jun 2021 10:31:02 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
            f"\ttype=\"text/html\";\r\n\tboundary=\"{b}\"\r\n\r\n\r\n"
            f"--{b}\r\nContent-Type: text/html\r\nContent-ID: <frame-7D1C4B0E@mhtml.blink>\r\n"
            f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: {URL}\r\n\r\n{qp}\r\n"
            f"--{b}\r\nContent-Type: text/css\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            "Content-Location: https://www.hysw.gov.cn/css/style.css\r\n\r\nbody{margin:0}\r\n"
            f"--{b}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Location: https://www.hysw.gov.cn/images/logo.png\r\n\r\n"
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n"
            f"--{b}--\r\n").encode("ascii")


LEVELS = ((re.compile(r"^([一二三四五六七八九十]+)、"), 0), (re.compile(r"^（([一二三四五六七八九十]+)）"), 1),
          (re.compile(r"^(\d+)\.\s*"), 2))


def _numbered(doc, lvl_xml: str, num_id: int) -> None:
    """Define list ``num_id`` in the document's numbering part (abstract definitions before the lists)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    root = doc.part.numbering_part.element
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvl_xml}</w:abstractNum>')
    nums = root.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)
    else:
        root.append(abstract)
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


def _number(paragraph, num_id: int, ilvl: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def word_file(text: str, path: Path) -> Path:
    """The report as a Word file: the title centred, sections (一、), aspects (（一）) and problem categories
    (1. … 12., counting on across aspects) as Word's automatic list numbering, the measures (一是…) typed."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    _numbered(doc, '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                   '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
                   '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                   '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>'
                   '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimal"/>'
                   '<w:lvlText w:val="%3."/><w:suff w:val="space"/></w:lvl>', 90)
    title, body = _paragraphs(text)
    doc.add_paragraph(title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for par in body:
        for rx, ilvl in LEVELS:
            m = rx.match(par)
            if m:
                _number(doc.add_paragraph(par[m.end():]), 90, ilvl)
                break
        else:
            doc.add_paragraph(par)
    doc.save(path)
    return path


def print_to_pdf(page: Path, pdf: Path) -> Path:
    """``page`` printed to PDF by headless Chromium, as a user prints a web page (with the browser's header and
    footer: date, title, address, page n/m)."""
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    assert pdf.stat().st_size > 1000
    return pdf


@pytest.fixture(scope="module")
def formats(tmp_path_factory) -> dict[str, Path]:
    """dev_1 in every format, in one directory: dev_1.txt, .html, .mhtml, .docx, .pdf."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run .ci/install-browser.sh")
    d = tmp_path_factory.mktemp("formats")
    text = DEV_1.read_text(encoding="utf-8")
    shutil.copy(DEV_1, d / "dev_1.txt")
    write(d, "dev_1.html", web_page(text))
    write(d, "dev_1.mhtml", single_file_page(web_page(text, saved_from=False), _paragraphs(text)[0]))
    word_file(text, d / "dev_1.docx")
    pdf_dir = tmp_path_factory.mktemp("print")
    print_to_pdf(write(pdf_dir, "page.html", web_page(text)), d / "dev_1.pdf")
    return {p.suffix[1:]: p for p in sorted(d.iterdir())}


@pytest.fixture(scope="module")
def texts(formats) -> dict:
    """Each format of dev_1 read (:func:`kg.extract.reading.read`)."""
    return {fmt: read(p) for fmt, p in formats.items()}


@pytest.fixture(scope="module")
def pdf_pages(formats) -> list[str]:
    """The text of each page of the printed PDF as pdfplumber reads it (no page furniture dropped)."""
    import pdfplumber

    with pdfplumber.open(formats["pdf"]) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


@pytest.fixture(scope="module")
def built(formats, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    d = formats["txt"].parent
    assert main(["build", str(d), "--out", str(out), "--no-views"]) == 0
    return out


def _rows(built: Path, query: str, capsys) -> dict[str, list[tuple[str, ...]]]:
    """The rows of a named query per report id, without the report column."""
    capsys.readouterr()
    assert main(["query", query, "--graph", str(built), "--format", "csv"]) == 0
    out: dict[str, list[tuple[str, ...]]] = {}
    for row in csv.DictReader(io.StringIO(capsys.readouterr().out)):
        rid = row.pop("report").rsplit("/", 1)[1]
        out.setdefault(rid, []).append(tuple(row.values()))
    return out


# -- the same report in every format --------------------------------------------------------------------


def test_every_format_reads_as_the_text_file(texts):
    plain = texts["txt"]
    for fmt in ("html", "mhtml", "docx", "pdf"):
        t = texts[fmt]
        assert t.source_format == fmt
        assert t.text == plain.text, fmt          # no navigation, footer, page header or page number left
        assert not KANGXI.search(t.text)
    assert plain.source_format == "txt" and plain.pages == []


def test_a_directory_picks_up_every_format_and_the_same_stem_never_collides(formats, built, capsys):
    assert [p.suffix for p in expand_paths([formats["txt"].parent])] == [".docx", ".html", ".mhtml", ".pdf", ".txt"]
    problems = _rows(built, "problems", capsys)
    assert sorted(problems) == ["dev_1", "dev_1-docx", "dev_1-html", "dev_1-mhtml", "dev_1-pdf"]


def test_same_problems_measures_and_regulation_links_in_every_format(built, capsys):
    problems = _rows(built, "problems", capsys)
    regulations = _rows(built, "regulations", capsys)
    assert len(problems["dev_1"]) == 12 and {r[0] for r in problems["dev_1"]} == {"1", "2", "3", "4"}
    assert sum(int(r[3]) for r in problems["dev_1"]) >= 30
    assert len(regulations["dev_1"]) >= 15
    for rid in ("dev_1-html", "dev_1-mhtml", "dev_1-docx", "dev_1-pdf"):
        assert problems[rid] == problems["dev_1"], rid      # labels, aspect numbers, measure counts
        assert regulations[rid] == regulations["dev_1"], rid


def test_the_graph_records_the_source_format_url_date_and_pdf_pages(pdf_pages, built, capsys):
    capsys.readouterr()
    q = (f"PREFIX kgo: <{KGO}> SELECT ?r ?format ?url ?date WHERE {{ ?r a kgo:Report ; kgo:sourceFormat ?format "
         "OPTIONAL { ?r kgo:sourceUrl ?url } OPTIONAL { ?r kgo:sourceDate ?date } } ORDER BY ?r")
    assert main(["query", q, "--graph", str(built), "--format", "csv"]) == 0
    rows = {r["r"].rsplit("/", 1)[1]: (r["format"], r["url"], r["date"])
            for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows == {"dev_1": ("txt", "", ""), "dev_1-docx": ("docx", "", ""), "dev_1-pdf": ("pdf", "", ""),
                    "dev_1-html": ("html", URL, "2021-06-25"), "dev_1-mhtml": ("mhtml", URL, "2021-06-25")}
    # every piece of evidence of the PDF names the page it begins on; the text there is on that page
    pages = [re.sub(r"\s+", "", sources.unify(p)) for p in pdf_pages]
    q = (f"PREFIX kgo: <{KGO}> PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?exact ?page ?start WHERE {{ "
         "?e a kgo:Evidence ; kgo:inReport ?r ; oa:exact ?exact ; oa:start ?start . "
         "OPTIONAL { ?e kgo:page ?page } FILTER(STRENDS(STR(?r), \"/dev_1-pdf\")) } ORDER BY ?start")
    assert main(["query", q, "--graph", str(built), "--format", "csv"]) == 0
    evidence = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(evidence) > 100 and all(e["page"] for e in evidence)
    numbers = [int(e["page"]) for e in evidence]
    assert numbers == sorted(numbers) and set(numbers) >= {1, 2, 3} and max(numbers) <= len(pages)
    for e in evidence:
        head = re.sub(r"\s+", "", e["exact"])[:4]
        assert head in pages[int(e["page"]) - 1], (e["exact"], e["page"])
    # a text file has no pages
    assert main(["query", f"PREFIX kgo: <{KGO}> SELECT (COUNT(?e) AS ?n) WHERE {{ ?e kgo:page ?p ; kgo:inReport ?r "
                 "FILTER(STRENDS(STR(?r), \"/dev_1\")) }", "--graph", str(built), "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "0"]


def test_pdf_text_spelled_with_kangxi_radicals_is_mapped_back(pdf_pages, texts):
    raw = "".join(pdf_pages)
    assert "⼀是" in raw and "⼗" in raw and "⽉" in raw      # what Chromium's PDF spells (the test's premise)
    t = texts["pdf"]
    assert "一是" in t.text and "十九届" in t.text and "2021年6月18日" in t.text and not KANGXI.search(t.text)


# -- Word ------------------------------------------------------------------------------------------------


def test_word_list_numbering_is_rendered_and_typed_numbering_kept(texts):
    lines = texts["docx"].text.split("\n")
    assert "一、坚持以政治建设为统领，把巡视整改作为重大政治任务抓紧抓实" in lines       # automatic 一、
    assert any(ln.startswith("（四）关于对以往巡视、审计等监督发现问题整改不到位") for ln in lines)  # automatic （四）
    assert any(ln.startswith("4. 部党组主体责任压得不够实。") for ln in lines)       # 1.–12. count on across aspects
    assert any(ln.startswith("12. 审计和主题教育检视问题整改不到位。") for ln in lines)
    assert "三、持续深化巡视整改，推动海洋事业高质量发展" in lines
    assert any(ln.startswith("一是坚决扛牢政治责任。") for ln in lines)              # typed as text


def test_word_numbering_in_another_format_is_noted(tmp_path):
    import docx

    doc = docx.Document()
    _numbered(doc, '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
                   '<w:lvlText w:val="%1."/></w:lvl>', 91)
    doc.add_paragraph("某局党组关于巡视整改进展情况的通报")
    for s in ("提高政治站位。", "压实整改责任。"):
        _number(doc.add_paragraph(s), 91, 0)
    _numbered(doc, '<w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="chineseCounting"/>'
                   '<w:lvlText w:val="（%1）"/><w:suff w:val="nothing"/></w:lvl>', 92)
    _number(doc.add_paragraph("关于学习不深入的整改情况"), 92, 0)
    doc.save(tmp_path / "r.docx")
    t = read(tmp_path / "r.docx")
    assert t.text.split("\n") == ["某局党组关于巡视整改进展情况的通报", "提高政治站位。", "压实整改责任。",
                                  "（三）关于学习不深入的整改情况"]
    assert len(t.notes) == 1 and "upperRoman" in t.notes[0] and "2 paragraph" in t.notes[0]


# -- text encodings and compatibility forms ----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-16-le"])
def test_utf16_text_reads_as_utf8(tmp_path, encoding):
    text = DEV_1.read_text(encoding="utf-8")
    data = {"utf-16": text.encode("utf-16"), "utf-16-be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
            "utf-16-le": text.encode("utf-16-le")}[encoding]         # the last one without a BOM
    t = read(write(tmp_path, "r.txt", data))
    plain = read(DEV_1)
    assert t.text == plain.text and t.line_of(len(t.text) - 1) == plain.line_of(len(t.text) - 1)
    assert t.encoding == "utf-16"
    import hashlib
    assert t.sha256 == hashlib.sha256(data).hexdigest()


def test_kangxi_radicals_in_a_text_file_are_mapped_back(tmp_path):
    src = MINI.replace("一是", "⼀是").replace("十九届", "⼗九届").replace("3月", "3⽉")
    assert src != MINI
    t = read(write(tmp_path, "r.txt", src))
    assert t.text == read(write(tmp_path, "plain.txt", MINI)).text


# -- refusals ----------------------------------------------------------------------------------------------


def test_a_scanned_pdf_is_refused_with_what_to_do(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("L", (850, 1100), 255)
    draw = ImageDraw.Draw(img)
    for y in range(120, 1000, 28):
        draw.rectangle((90, y, 760, y + 14), fill=40)       # lines of "print" a scanner saw
    img.save(tmp_path / "scan.pdf", "PDF", resolution=100.0)
    with pytest.raises(KgInputError, match=r"scan\.pdf: the PDF has no text layer .*OCR.*\.txt"):
        read(tmp_path / "scan.pdf")


@pytest.mark.parametrize("name", ["report.doc", "report.wps", "report.DOC", "renamed.docx"])
def test_old_word_and_wps_files_are_refused_with_what_to_do(tmp_path, name):
    p = write(tmp_path, name, OLE + bytes(4096))
    with pytest.raises(KgInputError, match=r"save it as \.docx \(or as \.txt\)") as e:
        read(p)
    assert str(e.value).startswith(str(p)) and "\n" not in str(e.value)


def test_a_refused_file_in_a_build_fails_with_the_message_and_the_rest_builds(tmp_path, capsys):
    write(tmp_path, "a.txt", MINI)
    write(tmp_path, "b.doc", OLE + bytes(4096))
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--no-views"]) == 2
    out, err = capsys.readouterr()
    assert "b.doc" in err and "save it as .docx" in err
    assert "1 built" in out and "1 failed" in out and "problem categories: 2" in out


def test_binary_formats_with_a_text_suffix_say_what_they_are(tmp_path):
    with pytest.raises(KgInputError, match="is a PDF file.*suffix .pdf"):
        read(write(tmp_path, "a.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))


# -- report ids ---------------------------------------------------------------------------------------------


def test_report_ids_of_odd_file_names():
    sha = "0123456789ab" + "0" * 52
    assert report_id("r/中国作协2020.txt", sha) == "zhong-guo-zuo-xie-2020"
    assert report_id("r/中国作协_2020（第一轮）.pdf", sha) == "zhong-guo-zuo-xie-2020-di-yi-lun-pdf"
    assert report_id("r/zuoxie_2020.txt", sha) == "zuoxie_2020"                  # ids of .txt files do not change
    assert report_id("r/a.txt", sha) == "a" and report_id("r/a.pdf", sha) == "a-pdf"
    assert report_id("r/a.htm", sha) == "a-htm" and report_id("r/a.html", sha) == "a-html"
    for name in ("..txt", "...txt", "-.txt", "《》.txt"):
        rid = report_id(name, sha)
        assert rid == "r0123456789ab", name


def test_chinese_and_dot_file_names_build_with_readable_ascii_iris(tmp_path, capsys):
    write(tmp_path, "中国作协2020.txt", MINI)
    write(tmp_path, "..txt", MINI.replace("某某局", "某某厅"))
    write(tmp_path, "...txt", MINI.replace("某某局", "某某署"))
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--no-views"]) == 0
    capsys.readouterr()
    assert main(["query", f"PREFIX kgo: <{KGO}> SELECT ?r WHERE {{ ?r a kgo:Report }} ORDER BY ?r",
                 "--graph", str(tmp_path / "out"), "--format", "csv"]) == 0
    ids = [r.rsplit("/", 1)[1] for r in capsys.readouterr().out.split()[1:]]
    assert len(ids) == 3 and "zhong-guo-zuo-xie-2020" in ids
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", i) and i not in (".", "..") for i in ids)
