"""Demo curriculum (called by `manage.py seed_demo`): a year of monthly themes with their
lessons, the 入矫第一课 and 危险驾驶 series, a reviewer, and some learning on the demo group.
All published. Safe to run again: what exists is kept."""

import json
from datetime import date, timedelta

from django.utils import timezone

from curriculum import services
from curriculum.models import LessonPage, LessonSeriesPage, MonthlyThemePage
from portal.models import AccountKind, OffenceCategory, User

REVIEWER = ("reviewer@demo.portal.cn", "王审核（课程审核员）")

# month → (theme, summary, [(lesson title, summary, minutes, mode, paragraph, discussion, quiz)])
THEMES = {
    1: (
        "宪法与法治精神",
        "学习宪法基本原则，树立宪法意识和规则意识。",
        "宪法是国家的根本法，是治国安邦的总章程。",
    ),
    2: (
        "家风教育",
        "以好家风涵养好品行，修复和改善家庭关系。",
        "家是最小国，国是千万家。良好的家风是立身之本、持家之宝。",
    ),
    3: (
        "感恩与责任",
        "学习雷锋精神，在公益活动中体会责任与担当。",
        "滴水之恩当涌泉相报，参加公益劳动是回报社会的开始。",
    ),
    4: (
        "国家安全教育",
        "了解总体国家安全观，增强国家安全意识。",
        "维护国家安全是每个公民的义务，4月15日是全民国家安全教育日。",
    ),
    5: (
        "劳动精神与就业",
        "弘扬劳动精神，学习求职技能，稳定就业。",
        "劳动创造价值，一份稳定的工作是回归社会的重要支点。",
    ),
    6: (
        "禁毒教育",
        "认清毒品危害，远离毒品，珍爱生命。",
        "毒品危害个人、家庭和社会，6月26日是国际禁毒日。",
    ),
    7: (
        "革命传统",
        "重温革命先辈的奋斗历程，汲取精神力量。",
        "从井冈山到延安，革命先辈在艰苦环境中坚定信念、百折不挠。",
    ),
    8: (
        "心理健康",
        "认识情绪、管理压力，学会求助。",
        "情绪没有好坏之分，学会觉察和表达情绪是心理健康的第一步。",
    ),
    9: (
        "人生规划",
        "认识自我，设定目标，规划矫正期间和解矫后的生活。",
        "凡事预则立，不预则废。人生规划从认识自己开始。",
    ),
    10: (
        "爱国主义教育",
        "了解新中国的发展成就，增强爱国情怀。",
        "国庆是回顾祖国发展历程、坚定信心的好时机。",
    ),
    11: (
        "法律常识",
        "学习与日常生活密切相关的民法典知识。",
        "民法典被称为“社会生活的百科全书”，与每个人息息相关。",
    ),
    12: (
        "宪法宣传周·年度回顾",
        "回顾一年学习，迎接国家宪法日。",
        "12月4日是国家宪法日，也是回顾一年学习成果的时候。",
    ),
}

FIRST_LESSONS = (
    (
        "入矫第一课：认识社区矫正",
        "社区矫正的法律依据、执行方式和矫正期间的基本要求。",
        "entry",
        "根据《中华人民共和国社区矫正法》，社区矫正对象应当遵守法律、行政法规，履行判决、裁定确定的义务。",
    ),
    (
        "入矫第一课：报到、请假与外出",
        "按时报到、外出审批和居住地变更的规定。",
        "entry",
        "社区矫正对象离开所居住的市、县，应当报经社区矫正机构批准；变更执行地应当提前一个月提出申请。",
    ),
    (
        "入矫第一课：权利与义务",
        "社区矫正对象依法享有的权利和应当履行的义务。",
        "entry",
        "社区矫正对象在就业、就学和享受社会保障等方面，不受歧视。",
    ),
)
PRE_RELEASE_LESSONS = (
    (
        "解矫前教育：回归社会的准备",
        "解矫宣告、解矫后的身份和回归社会前要做的准备。",
        "社区矫正期满，社区矫正机构依法公开宣告解除社区矫正；解矫后，原社区矫正对象依法享有与其他公民同等的权利。",
    ),
    (
        "解矫前教育：就业与社会保障",
        "求职渠道、技能培训和社会保险的衔接。",
        "刑满释放和解除社区矫正人员可以到公共就业服务机构登记求职，参加职业技能培训并按规定享受补贴。",
    ),
)
TRAFFIC_LESSONS = (
    (
        "醉驾的法律后果",
        "危险驾驶罪的构成要件、刑罚和对工作生活的影响。",
        "在道路上醉酒驾驶机动车的，处拘役，并处罚金；血液酒精含量达到80毫克/100毫升以上即属醉酒驾驶。",
    ),
    (
        "道路交通安全法要点",
        "驾驶证管理、记分制度和常见交通违法行为。",
        "饮酒后驾驶机动车的，处暂扣六个月机动车驾驶证；醉酒驾驶的，吊销驾驶证，五年内不得重新取得。",
    ),
    (
        "文明出行，从我做起",
        "代驾、公共交通和安全出行的好习惯。",
        "喝酒不开车、开车不喝酒。聚会前安排好代驾或乘坐公共交通工具。",
    ),
)


def _quiz(question, right, wrong):
    return {
        "heading": "随堂测验",
        "pass_mark": 60,
        "questions": [
            {
                "question": question,
                "choices": [
                    {"text": wrong[0], "is_correct": False},
                    {"text": right, "is_correct": True},
                    {"text": wrong[1], "is_correct": False},
                ],
            }
        ],
    }


def _body(heading, paragraph, discussion, quiz):
    return json.dumps(
        [
            {"type": "heading", "value": heading},
            {"type": "paragraph", "value": f"<p>{paragraph}</p>"},
            {"type": "discussion", "value": {"heading": "", "questions": discussion}},
            {"type": "quiz", "value": quiz},
        ],
        ensure_ascii=False,
    )


def _add_lesson(parent, title, summary, *, paragraph, quiz, offences=(), **fields):
    if LessonPage.objects.child_of(parent).filter(title=title).exists():
        return None
    page = LessonPage(
        title=title,
        summary=summary,
        objectives="理解本课的核心内容\n能结合自身经历谈体会",
        body=_body("一、学习要点", paragraph, ["结合自身经历谈谈体会。", "今后打算怎样做？"], quiz),
        **fields,
    )
    page.offences = list(OffenceCategory.objects.filter(code__in=offences))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def seed(*, stdout) -> None:
    index = services.curriculum_tree_ensure()
    year = timezone.localdate().year
    for month, (theme, summary, paragraph) in THEMES.items():
        first = date(year, month, 1)
        page = MonthlyThemePage.objects.filter(month=first).first()
        if page is None:
            page = MonthlyThemePage(
                title=f"{year}年{month}月：{theme}",
                slug=f"theme-{first:%Y-%m}",
                month=first,
                theme=theme,
                summary=summary,
                objectives=f"理解{theme}的意义\n把学到的内容用到生活中",
            )
            index.add_child(instance=page)
            page.save_revision().publish()
        quiz = _quiz(f"本月“{theme}”主题的要点是？", summary.rstrip("。"), ("与我无关", "随便学学"))
        _add_lesson(
            page,
            f"{theme}（一）：学习与思考",
            summary,
            paragraph=paragraph,
            quiz=quiz,
            duration_minutes=45,
            delivery_mode="both",
        )
        _add_lesson(
            page,
            f"{theme}（二）：集体教育",
            f"{theme}主题集体教育与讨论。",
            paragraph=paragraph,
            quiz=quiz,
            duration_minutes=90,
            delivery_mode="offline",
        )
    first_series = LessonSeriesPage.objects.get(slug="first-lesson")
    for title, summary, stage, paragraph in FIRST_LESSONS:
        _add_lesson(
            first_series,
            title,
            summary,
            paragraph=paragraph,
            stage=stage,
            duration_minutes=30,
            delivery_mode="both",
            quiz=_quiz(
                "社区矫正对象离开所居住的市、县，应当怎么做？",
                "报经社区矫正机构批准",
                ("告诉家人即可", "不需要任何手续"),
            ),
        )
    before_release = LessonSeriesPage.objects.get(slug="before-release")
    for title, summary, paragraph in PRE_RELEASE_LESSONS:
        _add_lesson(
            before_release,
            title,
            summary,
            paragraph=paragraph,
            stage="pre_release",
            duration_minutes=45,
            delivery_mode="both",
            quiz=_quiz(
                "社区矫正期满时，社区矫正机构应当怎么做？",
                "依法公开宣告解除社区矫正",
                ("什么都不用做", "由本人自行决定"),
            ),
        )
    traffic = LessonSeriesPage.objects.get(slug="traffic-law")
    for title, summary, paragraph in TRAFFIC_LESSONS:
        _add_lesson(
            traffic,
            title,
            summary,
            paragraph=paragraph,
            offences=["dangerous_driving"],
            duration_minutes=40,
            delivery_mode="online",
            quiz=_quiz(
                "血液酒精含量达到多少属于醉酒驾驶？",
                "80毫克/100毫升以上",
                ("20毫克/100毫升以上", "只要没出事故就不算"),
            ),
        )
    _reviewer()
    assigned = services.assignments_by_rule(month=timezone.localdate())
    _demo_learning()
    stdout.write(
        f"Curriculum: {LessonPage.objects.live().count()} lessons, "
        f"{MonthlyThemePage.objects.count()} themes, {assigned} new assignments; "
        f"reviewer {REVIEWER[0]}."
    )


def _reviewer() -> None:
    from portal import services as portal_services
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    email, name = REVIEWER
    user = User.objects.filter(email=email).first()
    if user is None:
        user = portal_services.user_create(
            email=email,
            password=DEMO_PASSWORD,
            display_name=name,
            kind=AccountKind.STAFF,
            email_verified=True,
        )
    services.reviewer_add(user=user, added_by=None)


def _demo_learning() -> None:
    """An offline session with attendance for the demo learner's group, so the lead's page
    shows hours from the start."""
    from curriculum.models import LessonSession
    from groups.models import Membership

    membership = (
        Membership.objects.filter(user__email="learner@demo.portal.cn", left_at__isnull=True)
        .select_related("group")
        .first()
    )
    lead = (
        Membership.objects.filter(
            group=getattr(membership, "group", None), role="lead", left_at__isnull=True
        )
        .select_related("user")
        .first()
    )
    if membership is None or lead is None or LessonSession.objects.exists():
        return
    lesson = LessonPage.objects.live().filter(delivery_mode="offline").order_by("path").first()
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=1)
    session = services.session_schedule(
        data=services.SessionData(
            lesson=lesson,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            place="天河南街司法所二楼教室",
            facilitator="陈老师",
            groups=[membership.group],
        ),
        scheduled_by=lead.user,
    )
    services.attendance_record(
        session=session, rows={membership.group_id: ("present", 90)}, recorded_by=lead.user
    )
