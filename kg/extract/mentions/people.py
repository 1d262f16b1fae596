"""Text → person mentions: a role (党组书记、部长 …) followed by a 2–3 character name with a common
surname, and the same name again before 同志. Text inside 《》 (the mask) is skipped."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import roles, surnames
from kg.extract.mentions.common import HAN, _Mask
from kg.model import EntityMention, Span


@lru_cache(maxsize=1)
def _person_re() -> re.Pattern:
    """Roles (joined by 、) followed by a name with a common surname."""
    rs = "|".join(roles())
    sn = "".join(sorted(s for s in surnames() if len(s) == 1))
    sn2 = "|".join(sorted(s for s in surnames() if len(s) == 2))
    after = "|".join(PERSON_AFTER)
    return re.compile(rf"((?:{rs})(?:、(?:{rs}))*)((?:{sn2}|[{sn}])[{HAN}]{{1,2}}?)(?=同志|[，、。；（(：]|{after})")


# what may follow a name after a role: 任, 担任 …, and the adverbs and verbs of what the person
# did (局长周敏牵头, 组长罗慧敏全程参与, 主席沈砚秋多次参与)
PERSON_AFTER = ("任", "担任", "兼", "为", "等", "牵头", "全程", "多次", "亲自", "主持", "带头", "带队", "率队",
                "参与", "参加", "负责", "分管", "督导", "召集", "先后", "专门", "深入", "听取")


def _people(text: str, mask: _Mask) -> list[EntityMention]:
    out = []
    names: dict[str, str] = {}
    for m in _person_re().finditer(text):
        name = m.group(2)
        if mask.covers(m.start(2), m.end(2)) or name.endswith(("同", "等", "任")) \
                or any(r in name for r in roles()) or name[1:].startswith(("副", "长", "同志")):
            continue
        role = m.group(1)
        out.append(EntityMention("person", name, Span(m.start(2), m.end(2)), role=role))
        names.setdefault(name, role)
    for name, role in names.items():
        for m in re.finditer(re.escape(name) + "同志", text):
            sp = Span(m.start(), m.start() + len(name))
            if not any(x.span == sp for x in out):
                out.append(EntityMention("person", name, sp, role=role))
    return out
