"""A doubled dictionary word is a slip; doublings that set phrases make are not."""
import pytest

from kg.extract.quality import repeated_phrases


@pytest.mark.parametrize("s, quote", [
    ("党委组织组织开展专项检查，发现问题3个。", "组织组织"),
    ("各支部认真学习学习贯彻会议精神。", "学习学习"),
])
def test_doubled_word_is_a_slip(s, quote):
    assert any(quote in a.text for a in repeated_phrases(s))


@pytest.mark.parametrize("s", [
    "做到条条有整改、件件有落实。",
    "编制“十四五”发展规划。",
    "聚焦主责主业，强化监督。",
    "问题一个一个地解决，任务一项一项地落实。",
    "加强基层党组织组织力建设。",          # 党组织|组织力: two words that share 组织
])
def test_set_phrase_doubling_is_no_slip(s):
    assert repeated_phrases(s) == []
