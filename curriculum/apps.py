from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = _("Curriculum")

    def ready(self):
        from curriculum import caching
        from curriculum.services import assignment
        from portal.changes import subscribe

        caching.connect()
        # A group entering a stage (groups.calendar) gets that stage's series straight away.
        subscribe(
            "groups.CorrectionGroup", assignment.on_group_changes, name="curriculum.stage_rules"
        )
