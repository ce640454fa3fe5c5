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
    path("jobs/<int:pk>/", postings.job_detail, name="job"),
    path("programmes/", postings.programme_list, name="programmes"),
    path("programmes/<int:pk>/", postings.programme_detail, name="programme"),
    path("<posting:kind>/<int:pk>/edit/", postings.posting_edit, name="posting_edit"),
    path("<posting:kind>/<int:pk>/status/", postings.posting_status, name="posting_status"),
    path("<posting:kind>/<int:pk>/refer/", referrals.refer, name="refer"),
    path("mine/", org.my_organisations, name="mine"),
    path("organisations/new/", org.organisation_register, name="register"),
    path("organisations/<int:pk>/", org.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/manage/", org.organisation_manage, name="manage"),
    path("organisations/<int:pk>/edit/", org.organisation_edit, name="edit"),
    path("organisations/<int:pk>/licence/", org.licence_upload, name="licence_upload"),
    path("organisations/<int:pk>/invite/", org.invite, name="invite"),
    path("organisations/<int:pk>/join/", org.join_request, name="join"),
    path(
        "organisations/<int:pk>/requests/<int:request_id>/",
        org.join_request_decide,
        name="join_decide",
    ),
    path("organisations/<int:pk>/leave/", org.leave, name="leave"),
    path(
        "organisations/<int:pk>/<posting:kind>/new/", postings.posting_create, name="posting_create"
    ),
    path(
        "organisations/<int:pk>/affiliations/",
        affiliations.organisation_affiliations,
        name="affiliations",
    ),
    path(
        "organisations/<int:pk>/affiliations/export/",
        affiliations.organisation_affiliations_export,
        name="affiliations_export",
    ),
    path(
        "organisations/<int:pk>/affiliations/<int:affiliation_id>/decide/",
        affiliations.affiliation_decide,
        name="affiliation_decide",
    ),
    path(
        "organisations/<int:pk>/affiliations/<int:affiliation_id>/end/",
        affiliations.affiliation_end,
        name="affiliation_end",
    ),
    path("affiliations/", affiliations.my_affiliations, name="my_affiliations"),
    path(
        "affiliations/<int:pk>/confirm/",
        affiliations.my_affiliation_confirm,
        name="my_affiliation_confirm",
    ),
    path("affiliations/<int:pk>/end/", affiliations.my_affiliation_end, name="my_affiliation_end"),
    path("invitations/<str:token>/", org.invitation_accept, name="invitation"),
    path("verification/", org.verification_queue, name="verification"),
    path("verification/<int:pk>/", org.verify, name="verify"),
    path("verification/<int:pk>/licence/", org.licence_file, name="licence"),
    path("groups/<str:code>/consents/", consents.consent_list, name="consents"),
    path(
        "groups/<str:code>/consents/<int:pk>/withdraw/",
        consents.consent_withdraw,
        name="consent_withdraw",
    ),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral"),
    path("referrals/<int:pk>/move/", referrals.referral_move, name="referral_move"),
    path(
        "referrals/<int:pk>/follow-ups/<int:follow_up_id>/",
        referrals.follow_up,
        name="follow_up",
    ),
]
