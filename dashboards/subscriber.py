"""The change announcements the figures follow (portal.changes). The handler runs after the
writer's commit and only queues a task with the ids: finding the regions and counting happen in
the task. Service hours, learning hours and referrals are not announced; beat's recompute of
the current and previous month every few minutes keeps those (dashboards.schedule)."""

from portal.changes import Changes

GROUP = "groups.CorrectionGroup"
PROFILE = "volunteers.VolunteerProfile"
ACTIVITY = "volunteers.Activity"
ORGANISATION = "partners.Organisation"
SUBSCRIBED = (GROUP, PROFILE, ACTIVITY, ORGANISATION)
DELAY_SECONDS = 5


def on_changes(changes: Changes) -> None:
    from dashboards.tasks import recompute_announced

    announced = {label: changes.ids(label) for label in SUBSCRIBED if changes.ids(label)}
    if announced:
        # A few seconds late, so the task reads what the writer committed even on a replica,
        # and a burst of edits in one request is one task per transaction anyway.
        recompute_announced.apply_async(args=[announced], countdown=DELAY_SECONDS)
