"""Every write of the curriculum, by sub-domain: assignment, sessions and attendance, online
completion, learning hours, and the editorial set-up. Each is atomic and audited."""

from curriculum.services.assignment import assignments_by_rule, lesson_assign
from curriculum.services.completion import (
    grade,
    lesson_complete,
    lesson_open,
    lesson_open_for_user,
)
from curriculum.services.editorial import editorial_setup, reviewer_add
from curriculum.services.hours import hours_flag_shortfalls, hours_recompute, month_bounds
from curriculum.services.sessions import (
    SessionData,
    attendance_record,
    session_remind,
    session_schedule,
)
from curriculum.services.tree import curriculum_tree_ensure

__all__ = [
    "SessionData",
    "assignments_by_rule",
    "attendance_record",
    "curriculum_tree_ensure",
    "editorial_setup",
    "grade",
    "hours_flag_shortfalls",
    "hours_recompute",
    "lesson_assign",
    "lesson_complete",
    "lesson_open",
    "lesson_open_for_user",
    "month_bounds",
    "reviewer_add",
    "session_remind",
    "session_schedule",
]
