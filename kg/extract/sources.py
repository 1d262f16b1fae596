"""Sources: a report file in any format `kg` reads → its text, one paragraph a line, and what the file says about
itself (format, the page's URL and publication date, where each PDF page begins).

=================  ======================================================================================
suffix             what is read
=================  ======================================================================================
``.txt``           the text as it is: UTF-8 (with or without BOM), GB18030/GBK, UTF-16 or UTF-32 with a BOM
``.html`` ``.htm`` the article's main text (trafilatura), without the site's navigation, breadcrumb, info bar
                   (来源 / 发布时间 / 字号), share buttons, previous/next links and footer; the title kept
``.mhtml`` ``.mht`` a page saved "as a single file": its HTML part (quoted-printable or base64), read as above
``.docx``          paragraphs and table rows in order; numbering typed as text kept, automatic list numbering
                   rendered (decimal and Chinese counting: 一、 （一） 1. （1） ①); other formats are noted
``.pdf``           the text layer: pages in order, running headers, footers and page numbers dropped, lines
                   joined into paragraphs, each page's start recorded
``.doc`` ``.wps``  refused, with what to do: save it as .docx (or .txt)
=================  ======================================================================================

Text taken from PDFs often spells 一 十 月 as the Kangxi radicals ⼀ ⼗ ⽉ (U+2F00 block) or simplified radicals
(⻚ for 页): :func:`unify` maps them, and the CJK compatibility ideographs, back to the ideographs, in every format.

:func:`extract` returns a :class:`Source`; :func:`kg.extract.reading.read` normalizes its text as it normalizes a
plain text file, and :func:`attach` puts the source's facts on the :class:`~kg.model.Text`. Offsets and line
numbers then refer to the extracted text (what the graph keeps as ``kgo:normalizedText``).

>>> s = extract("⼀、总体\\n⼀是加强领导。\\n".encode("utf-8"), "a.txt")
>>> s.format, s.text
('txt', '一、总体\\n一是加强领导。\\n')
>>> extract(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(504), "a.doc")
Traceback (most recent call last):
...
kg.errors.KgInputError: a.doc: an old Word file (.doc) cannot be read: open it in Word or WPS and save it as .docx (or as .txt)
"""
from __future__ import annotations

import bisect
import codecs
import email
import email.policy
import hashlib
import io
import re
import statistics
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg.errors import KgInputError
from kg.model import Text

#: suffix (lower case) → the format it is read as
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".mhtml": "mhtml", ".mht": "mhtml", ".docx": "docx",
           ".pdf": "pdf"}
#: suffixes refused with what to do instead
REFUSED = {".doc": "an old Word file (.doc)", ".wps": "a WPS Office file (.wps)"}
#: what a directory given to ``kg build`` contributes (refused formats included, so that they fail with a message)
INPUT_SUFFIXES = tuple(sorted(FORMATS)) + tuple(sorted(REFUSED))

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # the container of .doc, .wps, .xls
ZIP_MAGIC = b"PK\x03\x04"
UNPACKED_MAX = 200 * 1024 * 1024                      # a .docx larger than this once unpacked is not a report
MIN_PDF_CHARS = 40                                    # a PDF with less text than this has no text layer


@dataclass
class Source:
    """A report file's text and what the file says about itself.

    ``text`` is the extracted text, one paragraph a line (None: the file is plain text, read as it is);
    ``pages`` the offset in ``text`` where each PDF page begins; ``notes`` what could not be rendered."""

    format: str
    text: str | None = None
    encoding: str = ""
    url: str = ""
    published: str = ""
    pages: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# compatibility forms

# Simplified and variant radicals (CJK Radicals Supplement) that fonts draw with the same glyph as an ideograph,
# so that text taken from a PDF spells the ideograph with the radical (⻚ for 页).
_RADICALS = {
    "⺟": "母", "⺠": "民", "⺩": "王", "⻄": "西", "⻅": "见", "⻆": "角", "⻉": "贝", "⻋": "车", "⻑": "長",
    "⻓": "长", "⻔": "门", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马",
    "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻬": "齐",
    "⻮": "齿", "⻰": "龙", "⻳": "龟",
}


def _compat_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _RADICALS.items()}
    table[0x2329], table[0x232A] = "〈", "〉"         # the angle brackets of technical use, as 〈…〉 inside 《…》
    for lo, hi in ((0x2F00, 0x2FD6), (0xF900, 0xFB00), (0x2F800, 0x2FA20)):
        for cp in range(lo, hi):
            ch = chr(cp)
            n = unicodedata.normalize("NFKC", ch)
            if n != ch and len(n) == 1 and "\u3400" <= n <= "\U0003134f":
                table[cp] = n
    return table


_COMPAT = _compat_table()
def _ranges(cps: list[int]) -> str:
    """A regex character class of the code points ``cps`` as ranges (a class of single characters this big
    makes ``re.search`` slow: 12 ms a report)."""
    out, start, prev = [], None, None
    for c in sorted(cps):
        if start is None:
            start = prev = c
        elif c == prev + 1:
            prev = c
        else:
            out.append((start, prev))
            start = prev = c
    if start is not None:
        out.append((start, prev))
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in out) + "]"


_COMPAT_RE = re.compile(_ranges(list(_COMPAT)))


def unify(s: str) -> str:
    """``s`` with Kangxi and simplified radicals and CJK compatibility ideographs written as the ideographs
    (one character for one, so offsets do not move); nothing else changes.

    >>> unify("⼀是加强，⼗⽉⻚（第⼆）")
    '一是加强，十月页（第二）'
    """
    return s.translate(_COMPAT) if _COMPAT_RE.search(s) else s


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\ufeff]")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f]+")


def _join_lines(lines: list[str]) -> str:
    """Paragraph lines → one text: compatibility forms mapped, controls removed, blanks collapsed, each line
    stripped, empty ones dropped (so a column in the text is a column of the line ``read`` keeps)."""
    out = []
    for line in lines:
        for part in re.split(r"[\r\n\u2028\u2029\x85]", line):
            part = _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", unify(part))).strip()
            if part:
                out.append(part)
    return "\n".join(out)


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------------------------------------------------
# the page furniture of the genre's web pages (also printed into PDFs)

# a sentence, not furniture: running text with a full stop
_RUNNING_RE = re.compile(r"[。；！？]")
# a breadcrumb or a navigation bar: everything above it on the page is the site's header
_CRUMB_RE = re.compile(r"^(?:当前位置|您的位置|您现在的位置|当前所在位置|所在位置|位置)\s*[:：]|"
                       r"^(?:网站)?首页\s*(?:[>＞»›/|｜]|\s+\S)")
_INFO_KEYS = (r"信息来源|文章来源|来源|发布时间|发布日期|发文日期|更新时间|发布机构|作者|责任编辑|编辑|审核|审校|校对|"
              r"浏览次数|浏览量|阅读量|阅读次数|访问量|点击数|点击量|点击次数|点击率|索引号|字号|字体|分享到|分享")
# a line of furniture wherever it stands before or after the text
_FURNITURE_RE = re.compile(
    r"(?:^|\s)(?:" + _INFO_KEYS + r")\s*[:：]|"
    r"[【\[]\s*(?:打印|关闭|字号|字体|大\b|收藏|分享|返回|纠错)|打印本页|关闭窗口|分享到|上一篇|下一篇|扫一扫|"
    r"^今天是|无障碍|繁体版|简体版|请输入(?:关键字|关键词|搜索)|^搜\s*索$|网站地图|联系我们|版权所有|主办单位|承办单位|"
    r"ICP\s*备|公网安备|网站标识码|技术支持|^相关(?:链接|阅读|文章|新闻|附件)|返回顶部|字号\s*[大中小]\s*[大中小]")
# where the page's tail begins (everything after it is furniture)
_TAIL_RE = re.compile(
    r"分享到|上一篇|下一篇|^相关(?:链接|阅读|文章|新闻)|[【\[]\s*(?:打印|关闭)|打印本页|关闭窗口|网站地图|联系我们|"
    r"版权所有|主办单位|ICP\s*备|公网安备|网站标识码|扫一扫|返回顶部|^(?:责任编辑|编辑)\s*[:：]")


def _furniture(line: str) -> bool:
    return len(line) <= 160 and not _RUNNING_RE.search(line) and bool(_FURNITURE_RE.search(line))


def strip_furniture(lines: list[str]) -> list[str]:
    """The lines of a web page's text without its furniture: before the first sentence, everything down to
    a breadcrumb (当前位置：首页 > …, a navigation bar) and every info line (来源：… 发布时间：… 【打印】);
    after the last sentence, everything from the first share / previous-next / related-links / footer line on.

    >>> strip_furniture(["今天是：2021年6月25日", "首页 > 新闻 > 巡视整改", "某局党组关于巡视整改进展情况的通报",
    ...                  "来源：某局 发布时间：2021-06-25 【打印本页】【关", "闭窗口】", "一、总体", "一是加强领导。",
    ...                  "某局党组", "分享到：微信", "上一篇：某局召开会议", "版权所有：某局"])
    ['某局党组关于巡视整改进展情况的通报', '一、总体', '一是加强领导。', '某局党组']
    """
    return [lines[i] for i in kept_lines(lines)]


def kept_lines(lines: list[str]) -> list[int]:
    """The indices of the lines :func:`strip_furniture` keeps, in order."""
    running = [i for i, ln in enumerate(lines) if _RUNNING_RE.search(ln) and len(ln) >= 6]
    first, last = (running[0], running[-1]) if running else (len(lines), len(lines) - 1)

    def text(group: list[int]) -> str:
        return "".join(lines[i] for i in group)

    def groups(indices: range) -> list[list[int]]:
        """Lines one after the other; a short line with a 【 left open and the lines that close it (a page
        width wrapped ``【打印本页】 【关`` + ``闭窗口】``) are one group."""
        out: list[list[int]] = []
        for i in indices:
            t = text(out[-1]) if out else ""
            if out and t.count("【") > t.count("】") and len(t) <= 160:
                out[-1].append(i)
            else:
                out.append([i])
        return out

    head = groups(range(first))
    crumbs = [k for k, g in enumerate(head) if len(text(g)) <= 160 and _CRUMB_RE.search(text(g))]
    if crumbs:
        head = head[crumbs[-1] + 1:]
    head = [g for g in head if not _furniture(text(g))]
    tail = groups(range(last + 1, len(lines)))
    for k, g in enumerate(tail):
        if len(text(g)) <= 160 and _TAIL_RE.search(text(g)):
            tail = tail[:k]
            break
    tail = [g for g in tail if not _furniture(text(g))]
    return [i for g in head for i in g] + list(range(first, last + 1)) + [i for g in tail for i in g]


_DATE_RE = re.compile(r"((?:19|20)\d\d)\s*[-年./／]\s*(\d{1,2})\s*[-月./／]\s*(\d{1,2})")


def _iso(s: str) -> str:
    """The first date in ``s`` as YYYY-MM-DD ("" when there is none or it is not a date)."""
    m = _DATE_RE.search(s or "")
    if not m:
        return ""
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return ""


def _url(s: str) -> str:
    """``s`` when it is an http(s) URL (a page's address, never a path on the user's disk), else ""."""
    s = (s or "").strip()
    return s if len(s) <= 2000 and re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", s) else ""


# ---------------------------------------------------------------------------------------------------------
# plain text


def _decoded_text(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding) of text with a UTF-16/32 BOM, or of UTF-16 without one; None for anything else."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):     # a BOM says it: a cut last character or a lone surrogate becomes �
            return raw[len(bom):].decode(enc, errors="replace"), enc[:6]
    if b"\x00" in raw[:4096] and len(raw) % 2 == 0:      # UTF-16 without a BOM: the decoding that reads as text
        best = None
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                s = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            good = sum(1 for ch in s[:4096] if ch in "\r\n\t" or " " <= ch <= "~" or "\u3000" <= ch <= "\u9fff"
                       or "\uff00" <= ch <= "\uffef")
            if good >= 0.9 * min(len(s), 4096) and (best is None or good > best[0]):
                best = (good, s, "utf-16")
        if best:
            return best[1], best[2]
    return None


def _text_file(raw: bytes, name: str) -> Source:
    if raw.startswith(b"%PDF-"):
        raise KgInputError(f"{name}: is a PDF file, not text: give it the suffix .pdf")
    if raw.startswith(OLE_MAGIC):
        raise KgInputError(f"{name}: is an old Word or WPS file, not text: open it in Word or WPS and save it as "
                           ".docx (or as .txt)")
    if raw.startswith(ZIP_MAGIC) and b"word/" in raw[:4096]:
        raise KgInputError(f"{name}: is a Word file (.docx), not text: give it the suffix .docx")
    decoded = _decoded_text(raw)
    if decoded is not None:
        text, enc = decoded
        return Source("txt", unify(text), encoding=enc)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Source("txt")
    return Source("txt", unify(text), encoding="utf-8") if _COMPAT_RE.search(text) else Source("txt")


# ---------------------------------------------------------------------------------------------------------
# web pages

_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_GB = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
       "euc-cn": "gb18030"}


def decode_html(raw: bytes, name: str, charset: str = "") -> tuple[str, str]:
    """(text, encoding) of a web page's bytes: a BOM, else the charset the page (or its MIME part) declares,
    else UTF-8, else GB18030."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    decoded = _decoded_text(raw)
    if decoded is not None:
        return decoded
    candidates = []
    m = _CHARSET_RE.search(raw[:8192])
    for c in (charset, m.group(1).decode("ascii") if m else ""):
        c = c.strip().lower()
        if c:
            candidates.append(_GB.get(c, c))
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            codecs.lookup(enc)
            text = raw.decode("utf-8-sig" if enc in ("utf-8", "utf8") else enc)
        except (LookupError, UnicodeDecodeError):
            continue
        return text, enc
    raise KgInputError(f"{name}: cannot decode the page (charset {candidates[0]}?)")


_META_DATE = ("pubdate", "publishdate", "publish_date", "publishtime", "firstpublishedtime", "article:published_time",
              "og:published_time", "og:release_date", "dcterms.issued", "dc.date.issued", "dc.date", "date")
_META_URL = ("og:url", "url", "twitter:url")
_META_TITLE = ("articletitle", "og:title", "dc.title")
_INFO_DATE_RE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|日期|时间)\s*[:：]\s*((?:19|20)\d\d\s*[-年./／]\s*\d{1,2}"
                           r"\s*[-月./／]\s*\d{1,2})")
_SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)


_TITLE_SEP_RE = re.compile(r"\s*(?:_|\||｜|－|—+|-{1,2}|·)\s*")
_TITLE_CLASS_RE = re.compile(r"title|biaoti|bt\b|tit\b|headline", re.I)
_BLOCK_TAGS = {"p", "div", "table", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
_TABLE_TAGS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th"}


def _text_of(el) -> str:
    return _SPACE_RE.sub(" ", el.text_content() or "").strip()


def _page_title(tree, metas: dict[str, str]) -> str:
    """The article's title: a meta tag that names it, else the longest part of the page's <title> (a site
    names itself in the other parts: 标题_某某网), completed from a heading of the page when it was cut."""
    title = next((metas[k] for k in _META_TITLE if metas.get(k)), "")
    if title:
        return title
    head = next((_text_of(t) for t in tree.iter("title")), "")
    parts = sorted((p for p in _TITLE_SEP_RE.split(head) if len(p) >= 6), key=len, reverse=True)
    if not parts:
        return ""
    title = parts[0]
    cut = title.rstrip(".…")
    if cut != title and len(cut) >= 6:       # cut short (标题前半…_某某网): the heading that begins so
        found = []
        for k, el in enumerate(tree.iter()):
            if k > 5000:                     # a title is near the top of a page
                break
            if not isinstance(el.tag, str) or el.tag in ("title", "head", "script", "style"):
                continue
            text = _text_of(el)
            if len(text) <= 200 and _compact(text).startswith(_compact(cut)):
                marked = el.tag in ("h1", "h2", "h3") or bool(_TITLE_CLASS_RE.search(
                    f"{el.get('class') or ''} {el.get('id') or ''}"))
                found.append((not marked, len(text), text))
        return min(found)[2] if found else cut
    return title


def _unlayout(tree) -> None:
    """Tables that lay out a page (a cell holds paragraphs, line breaks or a table, or a long text) turned into
    blocks, so that the text in them keeps its paragraphs; tables of data stay tables."""
    for table in list(tree.iter("table")):
        cells = [c for c in table.iter("td", "th")]
        if any(any(d.tag in _BLOCK_TAGS for d in c.iterdescendants() if isinstance(d.tag, str))
               or len(_text_of(c)) > 150 for c in cells):
            for el in [table, *table.iterdescendants()]:
                if el.tag in _TABLE_TAGS:
                    el.tag = "div"
                    for attr in ("colspan", "rowspan"):
                        el.attrib.pop(attr, None)


def _read_page(html: str) -> tuple[str, str, str, str]:
    """(HTML for the extractor, title, URL, publication date): what a page states about itself in its markup
    (meta tags, the canonical link, the "saved from url" note a browser adds to a saved page, an info line
    发布时间：…), and the page with its layout tables made blocks."""
    import lxml.etree
    import lxml.html

    url = published = ""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, TypeError, lxml.etree.ParserError):
        return html, "", url, published
    metas: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if key and key not in metas and m.get("content"):
            metas[key] = m.get("content").strip()
    title = _page_title(tree, metas)
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and _url(link.get("href")):
            url = _url(link.get("href"))
            break
    url = url or next((_url(metas[k]) for k in _META_URL if _url(metas.get(k, ""))), "")
    saved = _SAVED_FROM_RE.search(html[:4096])
    url = url or _url(saved.group(1) if saved else "")
    published = next((_iso(metas[k]) for k in _META_DATE if _iso(metas.get(k, ""))), "")
    if not published:
        for el in tree.iter("body"):
            m = _INFO_DATE_RE.search(el.text_content())
            published = _iso(m.group(1)) if m else ""
            break
    _unlayout(tree)
    return lxml.html.tostring(tree, encoding="unicode"), title, url, published


_TABLE_ROW_RE = re.compile(r"^\|(.*)\|$")


def _cells(line: str) -> str:
    """A table row as the extractor writes it (``| a | b |``) → its cells with a space between them."""
    m = _TABLE_ROW_RE.match(line)
    if not m:
        return line
    cells = [c.strip() for c in m.group(1).split("|")]
    return "" if all(re.fullmatch(r":?-*:?", c) for c in cells) else " ".join(c for c in cells if c)


def _html(raw: bytes, name: str, fmt: str = "html", charset: str = "", url: str = "") -> Source:
    import trafilatura

    html, encoding = decode_html(raw, name, charset)
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    html, title, page_url, published = _read_page(html)
    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, include_images=False, include_links=False,
        deduplicate=False, with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    text = doc.text if doc is not None and doc.text else trafilatura.html2txt(html) or ""
    if doc is not None:
        title = title or (doc.title if doc.title and len(doc.title) >= 8 else "")
        published = published or _iso(doc.date or "")
    lines = [_cells(ln.strip()) for ln in unify(text).splitlines()]
    lines = strip_furniture([ln for ln in lines if ln])
    title = unify(_SPACE_RE.sub(" ", title).strip())
    if title and lines and not any(_compact(title) in _compact(ln) or _compact(ln) in _compact(title)
                                   for ln in lines[:3] if len(_compact(ln)) >= 4):
        lines.insert(0, title)
    body = _join_lines(lines)
    if not body:
        raise KgInputError(f"{name}: no article text found in the page")
    return Source(fmt, body, encoding=encoding, url=page_url or _url(url), published=published)


def _mhtml(raw: bytes, name: str) -> Source:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    location = (msg.get("Snapshot-Content-Location") or "").strip()
    parts = [p for p in msg.walk() if not p.is_multipart() and p.get_content_type() in ("text/html",
                                                                                          "application/xhtml+xml")]
    if not parts:
        raise KgInputError(f"{name}: no web page (text/html part) in this MHTML file: save the page again "
                           "\"as a single file\", or as .html")
    main = next((p for p in parts if location and (p.get("Content-Location") or "").strip() == location), parts[0])
    body = main.get_payload(decode=True) or b""
    url = location or (main.get("Content-Location") or "").strip()
    return _html(body, name, "mhtml", main.get_content_charset() or "", url)


# ---------------------------------------------------------------------------------------------------------
# Word

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {_W + "del", _W + "moveFrom", _MC_FALLBACK, _W + "instrText", _W + "delText"}
_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def chinese_number(n: int, digits: str = _CN_DIGITS, units: str = "十百千万") -> str:
    """``n`` in Chinese counting (Word's ``chineseCounting``): 一 … 十 十一 … 二十 … 一百零一 ….

    >>> [chinese_number(n) for n in (1, 10, 11, 20, 23, 100, 101, 110, 1005)]
    ['一', '十', '十一', '二十', '二十三', '一百', '一百零一', '一百一十', '一千零五']
    """
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return chinese_number(n // 10000, digits, units) + units[3] + (
            (digits[0] if n % 10000 < 1000 else "") + chinese_number(n % 10000, digits, units) if n % 10000 else "")
    out = ""
    zero = False
    for value, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += digits[0]
            out += ("" if value == 10 and d == 1 and not out else digits[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


#: Word list-numbering formats rendered, → a function of the counter
NUMBER_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalHalfWidth": str,
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalEnclosedCircle": lambda n: _CIRCLED[n - 1] if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: _CIRCLED[n - 1] if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: _PAREN[n - 1] if 1 <= n <= 20 else f"({n})",
    "decimalEnclosedFullstop": lambda n: _FULLSTOP[n - 1] if 1 <= n <= 20 else f"{n}.",
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "taiwaneseCounting": chinese_number,
    "taiwaneseCountingThousand": chinese_number,
    "ideographDigital": lambda n: "".join(_CN_DIGITS[int(d)] if d != "0" else "〇" for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_CN_DIGITS[int(d)] if d != "0" else "〇" for d in str(n)),
    "chineseLegalSimplified": lambda n: chinese_number(n, _CN_LEGAL, "拾佰仟万"),
    "ideographLegalTraditional": lambda n: chinese_number(n, _CN_LEGAL, "拾佰仟萬"),
    "ideographTraditional": lambda n: _TIANGAN[n - 1] if 1 <= n <= 10 else str(n),
}
SILENT_FORMATS = {"bullet", "none"}     # no number to render, nothing to say


def _int(v: str | None) -> int:
    """A number of numbering.xml (a level, a start): 0 when it is missing or not a number, at most 9999."""
    try:
        return max(0, min(int(v or 0), 9999))
    except ValueError:
        return 0


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None          # restart after a level ≤ this one (None: after any higher level)
    suffix: str = "tab"
    legal: bool = False
    style: str = ""


class _Numbering:
    """Word's list numbering (numbering.xml): the number each numbered paragraph shows, as Word counts it."""

    def __init__(self, doc) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}     # numId → ilvl → level
        self.key: dict[str, str] = {}                      # numId → the counter it advances
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int | None]] = {}   # style id → (numId, ilvl) through the style
        self.unknown: dict[str, int] = {}                  # format Word uses that is not rendered → paragraphs
        styles = doc.styles.element
        based: dict[str, str] = {}
        if styles is not None:
            for st in styles.iter(_W + "style"):
                sid = st.get(_W + "styleId") or ""
                b = st.find(_W + "basedOn")
                if b is not None:
                    based[sid] = b.get(_W + "val") or ""
                num = st.find(f"{_W}pPr/{_W}numPr")
                if num is not None:
                    nid = num.find(_W + "numId")
                    lvl = num.find(_W + "ilvl")
                    self.style_num[sid] = (nid.get(_W + "val") if nid is not None else "",
                                           _int(lvl.get(_W + "val")) if lvl is not None else None)
        for sid in list(based):        # a style inherits the numbering of the style it is based on
            seen, s = set(), sid
            while s in based and s not in self.style_num and s not in seen:
                seen.add(s)
                s = based[s]
            if s in self.style_num and sid not in self.style_num:
                self.style_num[sid] = self.style_num[s]
        try:
            part = doc.part.numbering_part
        except (NotImplementedError, KeyError):
            return
        root = part.element
        abstract: dict[str, object] = {a.get(_W + "abstractNumId"): a for a in root.iter(_W + "abstractNum")}
        for num in root.iter(_W + "num"):
            nid = num.get(_W + "numId")
            a_el = num.find(_W + "abstractNumId")
            aid = a_el.get(_W + "val") if a_el is not None else None
            a = abstract.get(aid)
            link = a.find(_W + "numStyleLink") if a is not None else None
            if link is not None:       # the list is defined by a numbering style: follow it once
                sn = self.style_num.get(link.get(_W + "val") or "")
                inner = root.find(f"{_W}num[@{_W}numId='{sn[0]}']") if sn else None
                ia = inner.find(_W + "abstractNumId") if inner is not None else None
                if ia is not None:
                    aid = ia.get(_W + "val")
                    a = abstract.get(aid)
            levels = {_int(lv.get(_W + "ilvl")): self._level(lv) for lv in a.iter(_W + "lvl")} if a is not None else {}
            overrides = num.findall(_W + "lvlOverride")
            for o in overrides:
                ilvl = _int(o.get(_W + "ilvl"))
                lv = o.find(_W + "lvl")
                if lv is not None:
                    levels[ilvl] = self._level(lv)
                so = o.find(_W + "startOverride")
                if so is not None:
                    levels.setdefault(ilvl, _Level()).start = _int(so.get(_W + "val"))
            self.levels[nid] = levels
            # lists of one definition go on counting across their instances unless one restarts
            self.key[nid] = f"n{nid}" if overrides else f"a{aid}"

    @staticmethod
    def _level(lv) -> _Level:
        def val(tag: str) -> str | None:
            el = lv.find(_W + tag)
            return el.get(_W + "val") if el is not None else None
        restart = val("lvlRestart")
        return _Level(start=_int(val("start")), fmt=val("numFmt") or "decimal", text=val("lvlText") or "",
                      restart=_int(restart) if restart is not None else None, suffix=val("suff") or "tab",
                      legal=lv.find(_W + "isLgl") is not None, style=val("pStyle") or "")

    def label(self, p) -> str:
        """The number paragraph ``p`` (a w:p element) shows, with its separator; "" when none."""
        ppr = p.find(_W + "pPr")
        nid, ilvl = None, None
        if ppr is not None:
            num = ppr.find(_W + "numPr")
            if num is not None:
                n, lv = num.find(_W + "numId"), num.find(_W + "ilvl")
                nid = n.get(_W + "val") if n is not None else None
                ilvl = _int(lv.get(_W + "val")) if lv is not None else None
            if nid is None:
                st = ppr.find(_W + "pStyle")
                sid = st.get(_W + "val") if st is not None else ""
                if sid in self.style_num:
                    nid, ilvl = self.style_num[sid]
                    if ilvl is None:
                        ilvl = next((k for k, v in self.levels.get(nid, {}).items() if v.style == sid), 0)
        if not nid or nid == "0" or nid not in self.levels:
            return ""
        ilvl = ilvl or 0
        levels = self.levels[nid]
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        counters = self.counters.setdefault(self.key[nid], {})
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            r = levels.get(deeper, _Level()).restart
            if r is None or (r != 0 and ilvl <= r - 1):
                del counters[deeper]
        if lvl.fmt in SILENT_FORMATS:
            return ""

        def render(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            level = levels.get(k, _Level())
            n = counters.get(k, level.start)
            fmt = "decimal" if lvl.legal else level.fmt
            if fmt not in NUMBER_FORMATS:
                self.unknown[fmt] = self.unknown.get(fmt, 0) + 1
                raise LookupError(fmt)
            return NUMBER_FORMATS[fmt](n)
        try:
            text = re.sub(r"%([1-9])", render, lvl.text)
        except LookupError:
            return ""
        if text and lvl.suffix != "nothing" and text[-1].isascii():
            text += " "
        return text


def _para_text(p) -> str:
    """The text of a w:p element as Word shows it: runs (inserted ones too, deleted ones not), tabs, breaks."""
    out: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab" and el.tag == _W + "r":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag == _W + "pPr":
                continue
            else:
                walk(child)
    walk(p)
    return "".join(out)


def _docx(raw: bytes, name: str) -> Source:
    if raw.startswith(OLE_MAGIC):
        raise KgInputError(f"{name}: is an old Word file (.doc) with the suffix .docx: open it in Word or WPS and "
                           "save it as .docx (or as .txt)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            if sum(i.file_size for i in z.infolist()) > UNPACKED_MAX:
                raise KgInputError(f"{name}: too large once unpacked for a report (limit {UNPACKED_MAX} bytes)")
    except zipfile.BadZipFile:
        raise KgInputError(f"{name}: not a Word (.docx) file (damaged?): open it in Word or WPS and save it as "
                           ".docx (or as .txt)") from None
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise KgInputError(f"{name}: cannot read this Word file ({type(e).__name__}): save it again as .docx "
                           "(or as .txt)") from None
    except Exception as e:        # lxml syntax errors and the like from a damaged or hostile file
        if isinstance(e, MemoryError):
            raise
        raise KgInputError(f"{name}: cannot read this Word file ({type(e).__name__}): save it again as .docx "
                           "(or as .txt)") from None
    lines: list[str] = []

    def block(el) -> None:
        for child in el:
            if child.tag == _W + "p":
                lines.append(numbering.label(child) + _para_text(child))
            elif child.tag == _W + "tbl":
                for row in child.findall(_W + "tr"):
                    cells = []
                    for tc in row.findall(_W + "tc"):
                        t = " ".join(_para_text(p).strip() for p in tc.iter(_W + "p") if _para_text(p).strip())
                        if t and (not cells or cells[-1] != t):
                            cells.append(t)
                    lines.append(" ".join(cells))
            elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "smartTag"):
                block(child)
    try:
        numbering = _Numbering(doc)
        block(doc.element.body)
    except Exception as e:        # a numbering or style part no Word would write
        if isinstance(e, MemoryError):
            raise
        raise KgInputError(f"{name}: cannot read this Word file ({type(e).__name__}): save it again as .docx "
                           "(or as .txt)") from None
    notes = [f"list numbering in the format {fmt} is not rendered ({n} paragraph(s)): type the numbers as text, "
             "or number the list with 1. or 一、" for fmt, n in sorted(numbering.unknown.items())]
    text = _join_lines(lines)
    if not text:
        raise KgInputError(f"{name}: no text in this Word file")
    return Source("docx", text, encoding="utf-8", notes=notes)


# ---------------------------------------------------------------------------------------------------------
# PDF


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


_PAGE_NO_RE = re.compile(r"^[-—–－~·•\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*\d{1,4}|\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
                         r"[-—–－~·•\s]*$|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
# what a browser prints in the margins: the date and title at the top, the address and "n/m" at the bottom
_BROWSER_TOP_RE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\b", re.I)
_BROWSER_BOTTOM_RE = re.compile(r"^(?:https?|file)://\S*.*?\d{1,4}\s*/\s*\d{1,4}$")
# what a line cannot be broken inside of: a word or number (with its unit), or an ideograph with the
# punctuation that may not end a line before it and that may not begin one after it
_FIRST_UNIT_RE = re.compile(r"[（(《〈“‘「『\[【]*(?:[A-Za-z0-9.,%‰:/+\-]+|.)[，。、；：？！）)》〉”’」』\]】%‰…·]*")


def _line_text(chars: list[dict], size: float) -> str:
    """A line's text from its characters, with a space where the gap between two of them shows one; a
    character printed twice over itself (simulated bold, shadows) once."""
    out: list[str] = []
    prev = None
    for c in chars:
        t = c.get("text") or ""
        if prev is not None and t == prev["text"] and abs(float(c["x0"]) - float(prev["x0"])) < 0.3 * size:
            continue
        if prev is not None and t.strip() and out and out[-1] != " ":
            gap = float(c["x0"]) - float(prev["x1"])
            narrow = prev["text"].isascii() or t.isascii()
            if gap > (0.2 if narrow else 0.9) * size:
                out.append(" ")
        out.append(" " if not t.strip() else t)
        prev = c if t.strip() else prev
    return "".join(out).strip()


def _pdf_pages(raw: bytes, name: str) -> list[tuple[float, list[_Line]]]:
    """(page height, lines in reading order) of every page of a PDF."""
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except PDFPasswordIncorrect:
        raise KgInputError(f"{name}: the PDF is protected by a password: save a copy without one, or the text "
                           "as .txt") from None
    except Exception as e:
        if isinstance(e, MemoryError):
            raise
        raise KgInputError(f"{name}: cannot read this PDF ({type(e).__name__}; damaged?): save the report as .txt "
                           "or .docx") from None
    pages = []
    try:
        with pdf:
            for page in pdf.pages:
                lines = []
                for ln in page.extract_text_lines(return_chars=True, strip=True):
                    chars = [c for c in ln["chars"] if c.get("upright", True)]
                    if not chars:
                        continue
                    size = statistics.median(float(c.get("size") or 0) or float(c["bottom"]) - float(c["top"])
                                             for c in chars)
                    text = _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", unify(_line_text(chars, size or 10.0)))).strip()
                    if text:
                        lines.append(_Line(text, float(ln["x0"]), float(ln["x1"]), float(ln["top"]),
                                           float(ln["bottom"]), size or 10.0))
                pages.append((float(page.height), lines))
    except KgInputError:
        raise
    except Exception as e:
        if isinstance(e, MemoryError):
            raise
        raise KgInputError(f"{name}: cannot read this PDF ({type(e).__name__}; damaged?): save the report as .txt "
                           "or .docx") from None
    return pages


def _drop_margins(pages: list[tuple[float, list[_Line]]]) -> list[list[_Line]]:
    """Each page's lines without its running header and footer (a line in the top or bottom tenth of the page
    that recurs on at least half of the pages, digits aside) and page numbers."""
    def key(ln: _Line) -> str:
        return re.sub(r"\d+", "#", _compact(ln.text))

    def band(ln: _Line, height: float) -> str:
        return "top" if ln.top < 0.1 * height else "bottom" if ln.bottom > 0.9 * height else ""

    seen: dict[str, int] = {}
    for height, lines in pages:
        for k in {key(ln) for ln in lines if band(ln, height)}:
            seen[k] = seen.get(k, 0) + 1
    recurring = {k for k, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    out = []
    for height, lines in pages:
        kept = []
        for ln in lines:
            b = band(ln, height)
            if b and (key(ln) in recurring or _PAGE_NO_RE.match(ln.text)
                      or b == "top" and _BROWSER_TOP_RE.match(ln.text)
                      or b == "bottom" and _BROWSER_BOTTOM_RE.match(ln.text)):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _pdf(raw: bytes, name: str) -> Source:
    pages = _pdf_pages(raw, name)
    if not pages:
        raise KgInputError(f"{name}: the PDF has no pages")
    body = _drop_margins(pages)
    chars = sum(len(_compact(ln.text)) for lines in body for ln in lines)
    if chars < MIN_PDF_CHARS:
        raise KgInputError(f"{name}: the PDF has no text layer (a scan?): run OCR on it (e.g. ocrmypdf) or save "
                           "the report as .txt or .docx")
    every = [ln for lines in body for ln in lines]
    size = statistics.median(ln.size for ln in every)
    x0s = sorted(ln.x0 for ln in every)
    x1s = sorted(ln.x1 for ln in every)
    left = x0s[len(x0s) // 20]                         # the text block's edges, robust to a stray line
    right = x1s[min(len(x1s) - 1, len(x1s) * 19 // 20)]
    gaps = [b.top - a.bottom for lines in body for a, b in zip(lines, lines[1:]) if b.top > a.bottom - 1]
    spacing = statistics.median(gaps) if gaps else 0.0

    def full(ln: _Line, nxt: _Line) -> bool:
        """Was ``ln`` broken because the first unbreakable piece of the next line did not fit on it?"""
        m = _FIRST_UNIT_RE.match(nxt.text)
        unit = m.group(0) if m else nxt.text[:1]
        width = sum(0.5 * size if ch.isascii() else size for ch in unit)
        return ln.x1 >= right - 1.2 * size or ln.x1 + width > right - 0.3 * size

    def indented(ln: _Line) -> bool:
        return ln.x0 > left + 0.8 * size

    def title_lines(a: _Line, b: _Line) -> bool:
        """Are ``a`` and ``b`` two lines of a title wrapped in the middle of the page (centred, in one size
        larger than the text's, close together, no full stop)?"""
        middle = (left + right) / 2
        return (abs((a.x0 + a.x1) / 2 - middle) < size and abs((b.x0 + b.x1) / 2 - middle) < size
                and abs(a.size - b.size) < 0.5 and a.size > size + 0.5 and not _RUNNING_RE.search(a.text)
                and 0 <= b.top - a.bottom <= a.size)

    paragraphs: list[str] = []
    starts: list[tuple[int, int]] = []                 # each page's first line: (paragraph, offset in it)
    prev: _Line | None = None
    opening = True                                     # no sentence yet: where a title stands
    for lines in body:
        first = True
        for ln in lines:
            if prev is not None and (full(prev, ln) and not indented(ln) and (
                    first or ln.top - prev.bottom <= spacing + 0.6 * size)
                    or opening and not first and title_lines(prev, ln)):
                par = paragraphs[-1]
                sep = " " if par[-1].isascii() and par[-1].isalpha() and ln.text[0].isascii() \
                    and ln.text[0].isalpha() else ""
                paragraphs[-1] = par + sep + ln.text
            else:
                paragraphs.append(ln.text)
            if first:
                starts.append((len(paragraphs) - 1, len(paragraphs[-1]) - len(ln.text)))
                first = False
            opening = opening and not _RUNNING_RE.search(ln.text)
            prev = ln
        if first:
            starts.append((len(paragraphs), 0))        # a page without text begins where the next one does
    index = kept_lines(paragraphs)
    kept = [paragraphs[i] for i in index]
    where: dict[int, int] = {}                         # paragraph kept → its offset in the text
    pos = 0
    for i, par in zip(index, kept):
        where[i] = pos
        pos += len(par) + 1
    offsets = []
    for par, col in starts:
        nxt = next((i for i in index if i >= par), None)
        offsets.append(max(pos - 1, 0) if nxt is None else where[nxt] + (col if nxt == par else 0))
    offsets[0] = 0
    for i in range(1, len(offsets)):
        offsets[i] = max(offsets[i], offsets[i - 1])
    text = "\n".join(kept)
    if not text:
        raise KgInputError(f"{name}: no report text in the PDF")
    return Source("pdf", text, encoding="utf-8", pages=offsets)


# ---------------------------------------------------------------------------------------------------------
# the entry points


def format_of(path: str | Path) -> str:
    """The format a file is read as, from its suffix (``txt`` for any suffix `kg` does not know)."""
    return FORMATS.get(Path(path).suffix.lower(), "txt")


def extract(raw: bytes, path: str | Path) -> Source:
    """The text of the report file ``path`` whose bytes are ``raw``, by its suffix (see the module docstring).

    Raises :class:`KgInputError` (naming the file and what to do) for a format `kg` does not read, a scanned
    PDF, a damaged or protected file."""
    name = str(path)
    suffix = Path(name).suffix.lower()
    if suffix in REFUSED:
        raise KgInputError(f"{name}: {REFUSED[suffix]} cannot be read: open it in Word or WPS and save it as .docx "
                           "(or as .txt)")
    fmt = FORMATS.get(suffix, "txt")
    if fmt == "txt":
        return _text_file(raw, name)
    if not raw.strip():
        raise KgInputError(f"{name}: empty file")
    if fmt == "html":
        return _html(raw, name)
    if fmt == "mhtml":
        return _mhtml(raw, name)
    if fmt == "docx":
        return _docx(raw, name)
    return _pdf(raw, name)


def attach(t: Text, src: Source, raw: bytes) -> Text:
    """``t`` (read from ``src.text``, or from ``raw`` when that is None) with the source's facts: the digest of
    the file's bytes, the format, URL, publication date, notes, and each PDF page's start in ``t.text``."""
    t.source_format = src.format
    t.source_url = src.url
    t.published = src.published
    t.notes = list(src.notes)
    if src.text is not None:
        t.sha256 = hashlib.sha256(raw).hexdigest()
        if src.encoding:
            t.encoding = src.encoding
    if src.pages and src.text is not None:
        t.pages = _map_offsets(src.text, src.pages, t)
    return t


def _map_offsets(source: str, offsets: list[int], t: Text) -> list[int]:
    """Offsets in the extracted text ``source`` → offsets in ``t.text`` (its normalized form): the same column
    of the same line, whose start ``t`` records."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
    out = []
    for o in offsets:
        line = bisect.bisect_right(line_starts, o)          # 1-based line of the offset
        col = o - line_starts[line - 1]
        i = bisect.bisect_left(t.line_numbers, line)
        if i < len(t.line_numbers) and t.line_numbers[i] == line:
            out.append(min(t.line_starts[i] + col, len(t.text)))
        else:
            out.append(t.line_starts[i] if i < len(t.line_starts) else len(t.text))
    out[0] = 0
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1])
    return out


__all__ = ["FORMATS", "INPUT_SUFFIXES", "NUMBER_FORMATS", "REFUSED", "Source", "attach", "chinese_number",
           "decode_html", "extract", "format_of", "strip_furniture", "unify"]
