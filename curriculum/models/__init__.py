from curriculum.models.delivery import (
    Attendance,
    LearningHours,
    LessonAssignment,
    LessonCompletion,
    LessonSession,
    LessonStart,
)
from curriculum.models.pages import (
    Audience,
    CurriculumIndexPage,
    DeliveryMode,
    LessonPage,
    LessonSeriesIndexPage,
    LessonSeriesPage,
    LessonStage,
    MonthlyThemePage,
    first_of_month,
)

__all__ = [
    "Attendance",
    "Audience",
    "CurriculumIndexPage",
    "DeliveryMode",
    "LearningHours",
    "LessonAssignment",
    "LessonCompletion",
    "LessonPage",
    "LessonSeriesIndexPage",
    "LessonSeriesPage",
    "LessonSession",
    "LessonStage",
    "LessonStart",
    "MonthlyThemePage",
    "first_of_month",
]
