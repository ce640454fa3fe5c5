"""The curriculum's index pages under the site's home page, created once."""

from django.db import transaction

from curriculum.models import CurriculumIndexPage, LessonSeriesIndexPage, LessonSeriesPage
from portal.models import HomePage, OffenceCategory

# The standing series every site starts with: (slug, title, summary, stage, offence codes).
STANDING_SERIES = (
    (
        "first-lesson",
        "入矫第一课",
        "刚刚入矫的社区矫正对象必修：了解社区矫正的法律规定、报到与请假制度、权利与义务。",
        "entry",
        (),
    ),
    (
        "before-release",
        "解矫前教育",
        "即将解矫的社区矫正对象必修：回归社会的准备、就业与社会保障、解矫后仍须遵守的规定。",
        "pre_release",
        (),
    ),
    (
        "traffic-law",
        "危险驾驶专题：交通安全法治教育",
        "针对危险驾驶罪的分类教育：醉驾的法律后果、道路交通安全法要点和文明出行。",
        "",
        ("dangerous_driving",),
    ),
)


@transaction.atomic
def curriculum_tree_ensure() -> CurriculumIndexPage:
    """The curriculum index, the standing series index and its series, published, under the
    home page, and under the review workflow. Safe to run again."""
    from curriculum.services.editorial import editorial_setup

    index = CurriculumIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(
            instance=CurriculumIndexPage(
                title="学习园地",
                slug="learning-centre",
                intro="<p>每月一主题，线上线下相结合：家风教育、人生规划、革命传统……</p>",
            )
        )
    series_index = LessonSeriesIndexPage.objects.first()
    if series_index is None:
        series_index = index.add_child(
            instance=LessonSeriesIndexPage(
                title="固定课程", slug="series", intro="<p>入矫第一课与分类教育，常年开放。</p>"
            )
        )
    for slug, title, summary, stage, offences in STANDING_SERIES:
        if LessonSeriesPage.objects.filter(slug=slug).exists():
            continue
        series = LessonSeriesPage(title=title, slug=slug, summary=summary, stage=stage)
        series.offences = list(OffenceCategory.objects.filter(code__in=offences))
        series_index.add_child(instance=series)
    editorial_setup()
    return index
