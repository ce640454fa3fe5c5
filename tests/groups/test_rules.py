"""The hard rules between a group and its helpers, once (groups.rules): plain values in, the
reason in the words a coordinator reads out, in Chinese by default."""

import pytest
from django.utils import translation

from groups import rules

# Region paths as treebeard writes them: 广东省 / 广州市 / 天河区 / 石牌街司法所, 越秀区.
GZ, TIANHE, SHIPAI, YUEXIU = "00010001", "000100010001", "0001000100010001", "000100010002"
NAMES = {GZ: "广州市", TIANHE: "天河区", SHIPAI: "石牌街司法所", YUEXIU: "越秀区"}


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_without_an_approved_area_the_county_of_the_office_is_the_execution_area():
    assert rules.execution_area((), SHIPAI) == (TIANHE,)
    assert rules.execution_area([YUEXIU], SHIPAI) == (YUEXIU,)


def test_a_place_inside_the_area_passes_and_one_is_enough():
    assert rules.place_refusal([SHIPAI], [TIANHE]) is None
    assert rules.place_refusal([YUEXIU, SHIPAI], [TIANHE]) is None


def test_a_place_outside_the_area_is_refused_naming_both():
    reason = rules.place_refusal([YUEXIU], [TIANHE], NAMES)
    assert reason == "工作地点（越秀区）不在该小组经批准的执行地（天河区）范围内"


def test_a_city_wide_place_is_not_inside_a_county_area():
    assert "广州市" in rules.place_refusal([GZ], [TIANHE], NAMES)


def test_a_posting_with_no_place_is_refused():
    assert "未填写" in rules.place_refusal([], [TIANHE], NAMES)


def test_without_names_the_reason_shows_the_codes():
    assert YUEXIU in rules.place_refusal([YUEXIU], [TIANHE])
    assert "R" in rules.industry_refusal("R", {"R"})


def test_a_forbidden_industry_is_refused_by_the_restriction_order():
    assert rules.industry_refusal("C", {"G", "R"}) is None
    assert rules.industry_refusal("", {"G"}) is None
    assert rules.industry_refusal("G", {"G", "R"}, name="交通运输、仓储和邮政业") == (
        "禁止令禁止该小组从事交通运输、仓储和邮政业行业"
    )


def test_an_offence_the_employer_excludes_is_refused():
    assert rules.offence_refusal("theft", set()) is None
    assert rules.offence_refusal("theft", {"theft"}, name="盗窃") == "用人单位不能接受盗窃类罪名"


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (lambda: rules.vetting_refusal(vetted=False, suspended=False), "尚未通过审核"),
        (lambda: rules.vetting_refusal(vetted=True, suspended=True), "已被暂停"),
        (lambda: rules.capacity_refusal(load=2, max_groups=2), "已达到可参与小组的上限"),
        (lambda: rules.region_refusal([YUEXIU], SHIPAI), "不在其服务区域内"),
        (
            lambda: rules.juvenile_refusal(is_juvenile=True, cleared=False),
            "未获准为未成年人提供服务",
        ),
        (lambda: rules.member_or_declined_refusal(True), "已在本小组或已被本小组婉拒"),
        (lambda: rules.open_refusal(False), "已停止招聘"),
        (lambda: rules.places_refusal(0), "名额已满"),
        (lambda: rules.verification_refusal(False), "所属单位尚未认证"),
        (lambda: rules.referred_or_declined_refusal(True), "已为本小组转介或被婉拒"),
        (lambda: rules.closed_group_refusal(True), "小组已结案"),
    ],
)
def test_each_standing_rule_refuses_in_words(reason, words):
    assert reason() == words


def test_who_passes_the_standing_rules():
    assert rules.vetting_refusal(vetted=True, suspended=False) is None
    assert rules.capacity_refusal(load=1, max_groups=2) is None
    assert rules.region_refusal([YUEXIU, GZ], SHIPAI) is None  # the city holds the office
    assert rules.juvenile_refusal(is_juvenile=True, cleared=True) is None
    assert rules.juvenile_refusal(is_juvenile=False, cleared=False) is None
    assert rules.places_refusal(1) is None
    assert rules.open_refusal(True) is rules.verification_refusal(True) is None


def test_the_first_reason_given_wins_in_the_callers_order():
    assert rules.first(None, "已被暂停", "名额已满") == "已被暂停"
    assert rules.first(None, None) is None


def test_reasons_follow_the_active_language():
    with translation.override("en"):
        assert rules.vetting_refusal(vetted=True, suspended=True) == "suspended"
        assert rules.place_refusal([YUEXIU], [TIANHE], NAMES) == (
            "the place of work (越秀区) is outside the group's approved execution area (天河区)"
        )
