from django.urls import path, register_converter

from partners.views import affiliations, consents, postings, referrals
from partners.views import organisations as org

app_name = "partners"


class PostingKind:
    regex = "job|programme"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PostingKind, "posting")

urlpatterns = [
    path("jobs/", postings.job_list, name="jobs"),
    path("jobs/<id:pk>/", postings.job_detail, name="job"),
    path("programmes/", postings.programme_list, name="programmes"),
    path("programmes/<id:pk>/", postings.programme_detail, name="programme"),
    path("<posting:kind>/<id:pk>/edit/", postings.posting_edit, name="posting_edit"),
    path("<posting:kind>/<id:pk>/status/", postings.posting_status, name="posting_status"),
    path("<posting:kind>/<id:pk>/refer/", referrals.refer, name="refer"),
    path("mine/", org.my_organisations, name="mine"),
    path("organisations/new/", org.organisation_register, name="register"),
    path("organisations/<id:pk>/", org.organisation_detail, name="organisation"),
    path("organisations/<id:pk>/manage/", org.organisation_manage, name="manage"),
    path("organisations/<id:pk>/edit/", org.organisation_edit, name="edit"),
    path("organisations/<id:pk>/licence/", org.licence_upload, name="licence_upload"),
    path("organisations/<id:pk>/invite/", org.invite, name="invite"),
    path("organisations/<id:pk>/join/", org.join_request, name="join"),
    path(
        "organisations/<id:pk>/requests/<id:request_id>/",
        org.join_request_decide,
        name="join_decide",
    ),
    path("organisations/<id:pk>/leave/", org.leave, name="leave"),
    path(
        "organisations/<id:pk>/<posting:kind>/new/", postings.posting_create, name="posting_create"
    ),
    path(
        "organisations/<id:pk>/affiliations/",
        affiliations.organisation_affiliations,
        name="affiliations",
    ),
    path(
        "organisations/<id:pk>/affiliations/export/",
        affiliations.organisation_affiliations_export,
        name="affiliations_export",
    ),
    path(
        "organisations/<id:pk>/affiliations/<id:affiliation_id>/decide/",
        affiliations.affiliation_decide,
        name="affiliation_decide",
    ),
    path(
        "organisations/<id:pk>/affiliations/<id:affiliation_id>/end/",
        affiliations.affiliation_end,
        name="affiliation_end",
    ),
    path("affiliations/", affiliations.my_affiliations, name="my_affiliations"),
    path(
        "affiliations/<id:pk>/confirm/",
        affiliations.my_affiliation_confirm,
        name="my_affiliation_confirm",
    ),
    path("affiliations/<id:pk>/end/", affiliations.my_affiliation_end, name="my_affiliation_end"),
    path("invitations/<slug:token>/", org.invitation_accept, name="invitation"),
    path("verification/", org.verification_queue, name="verification"),
    path("verification/<id:pk>/", org.verify, name="verify"),
    path("verification/<id:pk>/licence/", org.licence_file, name="licence"),
    path("groups/<slug:code>/consents/", consents.consent_list, name="consents"),
    path(
        "groups/<slug:code>/consents/<id:pk>/withdraw/",
        consents.consent_withdraw,
        name="consent_withdraw",
    ),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/<id:pk>/", referrals.referral_detail, name="referral"),
    path("referrals/<id:pk>/move/", referrals.referral_move, name="referral_move"),
    path(
        "referrals/<id:pk>/conversation/",
        referrals.referral_conversation,
        name="referral_conversation",
    ),
    path(
        "referrals/<id:pk>/follow-ups/<id:follow_up_id>/",
        referrals.follow_up,
        name="follow_up",
    ),
]
