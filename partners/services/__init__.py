"""Every write of the partners app: atomic, audited, notifications stored and events sent on
commit. Split by sub-domain; import from here."""

from partners.services.affiliations import (
    affiliation_decide,
    affiliation_end,
    affiliation_request,
    affiliations_end_for_left,
)
from partners.services.consents import consent_record, consent_withdraw
from partners.services.organisations import (
    invitation_accept,
    invitation_create,
    join_request_create,
    join_request_decide,
    licence_upload,
    member_leave,
    organisation_register,
    organisation_reject,
    organisation_update,
    organisation_verify,
)
from partners.services.postings import posting_save, posting_set_status
from partners.services.referrals import (
    follow_up_record,
    follow_ups_notify_due,
    referral_create,
    referral_mark_viewed,
    referral_move,
    referrals_escalate_overdue,
    referrals_remind_due,
)

__all__ = [
    "affiliation_decide",
    "affiliation_end",
    "affiliation_request",
    "affiliations_end_for_left",
    "consent_record",
    "consent_withdraw",
    "follow_up_record",
    "follow_ups_notify_due",
    "invitation_accept",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "licence_upload",
    "member_leave",
    "organisation_register",
    "organisation_reject",
    "organisation_update",
    "organisation_verify",
    "posting_save",
    "posting_set_status",
    "referral_create",
    "referral_mark_viewed",
    "referral_move",
    "referrals_escalate_overdue",
    "referrals_remind_due",
]
