"""The audit log in words: one table of labels per action code, and the categories staff filter
by. The codes are the strings the apps pass to portal.services.audit_record, so listing them here
needs no import of the apps. A code not listed yet is shown as it is (never hidden)."""

from django.utils.translation import gettext_lazy as _

# Category -> (label, code prefixes). Order is the order of the filter's choices.
CATEGORIES = {
    "group": (_("Groups"), ("group.",)),
    "volunteer": (_("Volunteers"), ("volunteer.", "activity.")),
    "partner": (
        _("Partner organisations"),
        ("organisation.", "referral.", "affiliation.", "jobplacement.", "programme."),
    ),
    "curriculum": (_("Lessons"), ("curriculum.",)),
    "account": (_("Accounts and rights"), ("account.", "staff_role.", "regions.")),
    "messaging": (_("Messages"), ("message.", "messaging.")),
    "alert": (_("Alerts and drills"), ("alert.",)),
}

LABELS = {
    "account.created": _("Account created"),
    "account.deleted": _("Account deleted"),
    "account.signed_up": _("Signed up"),
    "staff_role.granted": _("Staff role granted"),
    "staff_role.revoked": _("Staff role revoked"),
    "regions.imported": _("Region tree imported"),
    "group.created": _("Group created"),
    "group.updated": _("Group updated"),
    "group.viewed": _("Group viewed"),
    "group.closed": _("Group closed"),
    "group.reopened": _("Group reopened"),
    "group.member_added": _("Member added to a group"),
    "group.member_removed": _("Member removed from a group"),
    "group.lead_changed": _("Group lead handed over"),
    "group.stage_changed": _("Group stage changed"),
    "group.learner_created": _("Learner account created"),
    "group.learner_login_reissued": _("Learner login reissued"),
    "group.consent_recorded": _("Consent recorded"),
    "group.consent_withdrawn": _("Consent withdrawn"),
    "group.access_ended": _("Access to a group ended"),
    "group.end_reminded": _("Reminded of a group's end"),
    "group.suggestion_accepted": _("Suggested volunteer accepted"),
    "group.suggestion_declined": _("Suggested volunteer declined"),
    "volunteer.profile_started": _("Volunteer profile started"),
    "volunteer.profile_saved": _("Volunteer profile saved"),
    "volunteer.profile_submitted": _("Volunteer profile submitted for vetting"),
    "volunteer.profile_viewed": _("Volunteer profile viewed"),
    # volunteer.<decision> (volunteers.services.vetting.Decision)
    "volunteer.approve": _("Volunteer approved"),
    "volunteer.needs_changes": _("Volunteer asked for changes"),
    "volunteer.reject": _("Volunteer rejected"),
    "volunteer.suspend": _("Volunteer suspended"),
    "volunteer.reinstate": _("Volunteer reinstated"),
    "volunteer.imported": _("Volunteers imported"),
    "volunteer.juvenile_cleared": _("Cleared to work with juveniles"),
    "volunteer.hours_logged": _("Service hours logged"),
    "volunteer.hours_confirmed": _("Service hours confirmed"),
    "volunteer.hours_rejected": _("Service hours rejected"),
    "activity.created": _("Activity created"),
    "activity.cancelled": _("Activity cancelled"),
    "activity.signed_up": _("Signed up for an activity"),
    "activity.checked_in": _("Checked in at an activity"),
    "organisation.registered": _("Organisation registered"),
    "organisation.updated": _("Organisation updated"),
    "organisation.verified": _("Organisation verified"),
    "organisation.rejected": _("Organisation rejected"),
    "organisation.invited": _("Member invited to an organisation"),
    "organisation.join_requested": _("Asked to join an organisation"),
    "organisation.join_approved": _("Request to join an organisation approved"),
    "organisation.join_declined": _("Request to join an organisation declined"),
    "organisation.member_joined": _("Member joined an organisation"),
    "organisation.member_left": _("Member left an organisation"),
    "organisation.licence_uploaded": _("Business licence uploaded"),
    # referral.<status> (partners.models.Referral.Status), and the reminders
    "referral.referred": _("Referred to a partner"),
    "referral.viewed": _("Referral seen by the partner"),
    "referral.interview": _("Referral: interview arranged"),
    "referral.offered": _("Referral: offer made"),
    "referral.hired": _("Referral: hired or enrolled"),
    "referral.declined": _("Referral declined"),
    "referral.withdrawn": _("Referral withdrawn"),
    "referral.escalated": _("Referral escalated"),
    "referral.follow_up": _("Referral followed up"),
    "referral.reminded": _("Reminded of a referral"),
    # <posting>.<created|updated|status> (partners.services.postings)
    "jobplacement.created": _("Job placement created"),
    "jobplacement.updated": _("Job placement updated"),
    "jobplacement.open": _("Job placement opened"),
    "jobplacement.closed": _("Job placement closed"),
    "jobplacement.filled": _("Job placement filled"),
    "programme.created": _("Programme created"),
    "programme.updated": _("Programme updated"),
    "programme.open": _("Programme opened"),
    "programme.closed": _("Programme closed"),
    "programme.filled": _("Programme full"),
    # affiliation.<step> (partners.services.affiliations)
    "affiliation.requested": _("Affiliation requested"),
    "affiliation.confirmed": _("Affiliation confirmed"),
    "affiliation.declined": _("Affiliation declined"),
    "affiliation.ended": _("Affiliation ended"),
    "curriculum.lesson_assigned": _("Lesson assigned"),
    "curriculum.lesson_completed": _("Lesson completed"),
    "curriculum.session_scheduled": _("Offline session scheduled"),
    "curriculum.attendance_recorded": _("Attendance recorded"),
    "curriculum.reviewer_added": _("Lesson reviewer added"),
    "curriculum.rules_applied": _("Stage rules applied"),
    "curriculum.shortfalls_flagged": _("Learning shortfalls flagged"),
    "message.edited": _("Message edited"),
    "message.deleted": _("Message deleted"),
    "message.reported": _("Message reported"),
    "message.hidden": _("Message hidden"),
    "messaging.direct_opened": _("Direct conversation opened"),
    "alert.sent": _("Alert sent"),
    "alert.closed": _("Alert closed"),
    "alert.emailed": _("Alert e-mailed"),
    "alert.leads_reminded": _("Leads reminded of an alert"),
    "alert.report_exported": _("Alert report exported"),
}


def action_label(code: str):
    return LABELS.get(code, code)


def category_choices():
    return [(key, label) for key, (label, _prefixes) in CATEGORIES.items()]


def category_prefixes(key: str) -> tuple[str, ...]:
    return CATEGORIES[key][1]
