"""Curriculum pages for tests: themes and lessons with real Chinese content, published."""

import json
from datetime import date

from curriculum.models import LessonPage, LessonSeriesPage, MonthlyThemePage
from portal.models import OffenceCategory

QUIZ = {
    "heading": "随堂测验",
    "pass_mark": 60,
    "questions": [
        {
            "question": "社区矫正对象外出需要经过谁批准？",
            "choices": [
                {"text": "自己决定即可", "is_correct": False},
                {"text": "执行地县级社区矫正机构或受委托的司法所", "is_correct": True},
                {"text": "家属同意即可", "is_correct": False},
            ],
        },
        {
            "question": "醉酒驾驶机动车构成什么罪？",
            "choices": [
                {"text": "危险驾驶罪", "is_correct": True},
                {"text": "不构成犯罪", "is_correct": False},
            ],
        },
    ],
}
RIGHT = {"q0": "1", "q1": "0"}
WRONG = {"q0": "0", "q1": "1"}


def body(*, quiz=True) -> str:
    blocks = [
        {"type": "heading", "value": "一、为什么要学习"},
        {"type": "paragraph", "value": "<p>家是最小国，国是千万家。良好的家风是立身之本。</p>"},
        {"type": "discussion", "value": {"heading": "", "questions": ["你家的家训是什么？"]}},
    ]
    if quiz:
        blocks.append({"type": "quiz", "value": QUIZ})
    return json.dumps(blocks, ensure_ascii=False)


def theme(index, month: date, name="家风教育", **fields) -> MonthlyThemePage:
    page = MonthlyThemePage(
        title=f"{month:%Y年%m月}：{name}",
        slug=f"theme-{month:%Y-%m}",
        month=month.replace(day=1),
        theme=name,
        summary=f"{name}：本月学习主题。",
        objectives="理解家风的意义\n写下自己的家训",
        **fields,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def lesson(
    parent, title="好家风伴我行", *, quiz=True, offences=(), publish=True, **fields
) -> LessonPage:
    fields.setdefault("duration_minutes", 45)
    fields.setdefault("summary", f"《{title}》课程简介。")
    page = LessonPage(title=title, body=body(quiz=quiz), live=publish, **fields)
    page.offences = list(OffenceCategory.objects.filter(code__in=offences))
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.save_revision()
    return LessonPage.objects.get(pk=page.pk)


def series(slug) -> LessonSeriesPage:
    return LessonSeriesPage.objects.get(slug=slug)
