"""Wagtail admin hooks: a new curriculum index goes under the review workflow at once."""

from wagtail import hooks

from curriculum.models import CurriculumIndexPage, LessonSeriesIndexPage


@hooks.register("after_create_page")
def put_indexes_under_review(request, page):
    if isinstance(page.specific, CurriculumIndexPage | LessonSeriesIndexPage):
        from curriculum.services import editorial_setup

        editorial_setup()
