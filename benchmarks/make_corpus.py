"""Generate N synthetic rectification progress reports for benchmarks.

Each report recombines parts of the real and development reports
(``data/reports/`` and ``../shared/reports/`` beside the project): the title and preamble of
one, section 一 of another, a random selection of problem aspects （一）（二）…
from all of them (renumbered) as section 二, and section 三 of a third; the
issuing unit and the persons are renamed and numbers that are not dates are
changed. Deterministic for a given seed.

    python benchmarks/make_corpus.py 1000 build/bench/corpus-1000 [--seed 1]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / "data" / "reports", REPO.parent / "shared" / "reports"]   # the shared reports sit beside the project

TOP = re.compile(r"^[一二三四五六七八九十]+、")
ASPECT = re.compile(r"^（[一二三四五六七八九十]+）")
CN = "一二三四五六七八九十"

UNIT_A = ["国家", "中国", "全国", "中央"]
UNIT_B = ["粮食", "水利", "气象", "林草", "档案", "统计", "海事", "地质", "测绘", "文物", "邮政", "药品",
          "铁路", "民航", "烟草", "体育", "旅游", "外文", "出版", "科协", "侨联", "残联", "供销", "工艺"]
UNIT_C = [("局", "党组"), ("总局", "党组"), ("委员会", "党组"), ("协会", "党组"), ("研究院", "党委"),
          ("总社", "党组"), ("集团有限公司", "党委"), ("大学", "党委")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"


@dataclass
class Source:
    name: str
    title: str
    issuer: str
    preamble: list[str]
    sections: list[list[str]]          # each: lines of a top section (heading first)
    aspects: list[list[str]]           # aspects of every section (heading first)
    persons: list[str]


def _issuer(title: str) -> str:
    m = re.match(r"^(?:中共)?(.+?)(?:党组|党委|委员会党组|委员会)", title)
    return m.group(1) if m else ""


def parse(path: Path) -> Source:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((ln for ln in lines if ln.strip()), "").strip()
    body = lines[lines.index(next(ln for ln in lines if ln.strip())) + 1:]
    tops = [i for i, ln in enumerate(body) if TOP.match(ln.strip())]
    preamble = body[: tops[0]] if tops else body
    sections = [body[a:b] for a, b in zip(tops, tops[1:] + [len(body)])]
    aspects: list[list[str]] = []
    for sec in sections[1:2]:          # section 二: the feedback problems, aspect by aspect
        idx = [i for i, ln in enumerate(sec) if ASPECT.match(ln.strip())]
        for a, b in zip(idx, idx[1:] + [len(sec)]):
            block = sec[a:b]
            if sum(len(x) for x in block) > 200:   # real aspects, not one-line measures
                aspects.append(block)
    text = "\n".join(lines)
    cands = re.findall(r"([\u4e00-\u9fff]{3})同志", text)
    persons = sorted({c for c in cands if text.count(c) >= 2 and c[0] in SURNAMES})
    return Source(path.stem, title, _issuer(title), preamble, sections, aspects, persons)


def load_sources() -> list[Source]:
    seen: set[str] = set()
    out = []
    for d in SOURCES:
        for p in sorted(d.glob("*.txt")) if d.is_dir() else []:
            h = hashlib.sha256(p.read_bytes()).hexdigest()
            if h not in seen:
                seen.add(h)
                out.append(parse(p))
    if not out:
        sys.exit("no source reports found in " + ", ".join(map(str, SOURCES)))
    return out


def _cn(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    return ("" if n < 20 else CN[n // 10 - 1]) + "十" + (CN[n % 10 - 1] if n % 10 else "")


PROBLEM = re.compile(r"^(\d{1,2})([.．]\s?)")
NUM = re.compile(r"(?<![\d.（(])(\d{1,4})(?![\d年月日.．）)、])")


def _renumber(text: str, rng: random.Random) -> str:
    def sub(m):
        v = int(m.group(1))
        if v <= 1:
            return m.group(1)
        return str(max(2, int(v * rng.uniform(0.6, 1.6))))
    return NUM.sub(sub, text)


def make_report(i: int, sources: list[Source], rng: random.Random) -> str:
    base = rng.choice(sources)
    unit = rng.choice(UNIT_A) + rng.choice(UNIT_B) + rng.choice(UNIT_C)[0]
    names: dict[str, str] = {}

    def rename(text: str, src: Source) -> str:
        if src.issuer:
            text = text.replace(src.issuer, unit)
        for p in src.persons:
            if p not in names:
                names[p] = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            text = text.replace(p, names[p])
        return text

    parts = [rename(base.title, base), ""]
    parts += [rename(ln, base) for ln in base.preamble]
    # section 一 from one report, 二 from the aspects of all, 三 from another
    s1 = rng.choice([s for s in sources if s.sections])
    parts += [rename(ln, s1) for ln in s1.sections[0]]
    all_aspects = [(s, a) for s in sources for a in s.aspects]
    k = min(len(all_aspects), rng.randint(5, 9))
    chosen = rng.sample(all_aspects, k)
    head_src = rng.choice([s for s in sources if len(s.sections) > 1])
    parts.append(rename(head_src.sections[1][0], head_src))
    parts.append("")
    for n, (src, block) in enumerate(chosen, 1):
        first = ASPECT.sub(f"（{_cn(n)}）", block[0].strip(), count=1)
        parts += [rename(first, src)] + [rename(ln, src) for ln in block[1:]]
    s3 = rng.choice([s for s in sources if len(s.sections) > 2])
    last = [rename(ln, s3) for ln in s3.sections[-1]]
    last[0] = TOP.sub("三、", last[0].strip(), count=1)
    parts += last
    # problem categories are numbered 1. 2. … through the whole report
    counter = iter(range(1, 1000))
    parts = [PROBLEM.sub(lambda m: f"{next(counter)}{m.group(2)}", ln, count=1) for ln in parts]
    text = "\n".join(parts)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return _renumber(text, rng).rstrip("\n") + "\n"


def make_corpus(n: int, out_dir: str | Path, seed: int = 1) -> list[Path]:
    """Write ``report_0001.txt`` … into ``out_dir`` (files already there with the same content are left alone)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sources = load_sources()
    paths = []
    for i in range(1, n + 1):
        rng = random.Random(f"{seed}-{i}")
        p = out / f"report_{i:04d}.txt"
        data = make_report(i, sources, rng).encode("utf-8")
        if not p.exists() or p.read_bytes() != data:
            p.write_bytes(data)
        paths.append(p)
    for old in out.glob("report_*.txt"):
        if old not in paths:
            old.unlink()
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    paths = make_corpus(a.n, a.out_dir, a.seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    print(f"{len(paths)} reports, {chars:,} chars in {a.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
