"""Services write the audit trail: who, what, which object, region, when, from where."""

from django.contrib.auth.models import Group
from django.test import RequestFactory

from portal import services
from portal.context import origin
from portal.middleware import RequestContextMiddleware
from portal.models import AccountKind, AuditEvent, StaffRole
from tests import factories


def test_granting_a_staff_role_writes_one_audit_row_with_who_what_where(regions):
    admin = factories.AdminFactory()
    user = factories.UserFactory(display_name="李协调")
    with origin("10.20.30.40", "Mozilla/5.0 (iPhone)"):
        services.staff_role_grant(
            user=user, role=StaffRole.Role.COORDINATOR, region=regions["440106"], granted_by=admin
        )

    row = AuditEvent.objects.get(action="staff_role.granted")
    assert row.actor == admin
    # Kind and id, never the person's chosen name (the log is read by people who may not see it).
    assert row.object_repr == f"用户 #{user.pk}" and row.object_id == str(user.pk)
    assert row.region == regions["440106"]
    assert row.ip_address == "10.20.30.40" and row.user_agent == "Mozilla/5.0 (iPhone)"
    assert row.data == {"role": "coordinator"}
    user.refresh_from_db()
    assert user.kind == AccountKind.STAFF


def test_an_education_officer_can_edit_in_wagtail_until_the_role_is_revoked(regions):
    user = factories.UserFactory()
    role = services.staff_role_grant(
        user=user, role=StaffRole.Role.EDUCATION_OFFICER, region=regions["440000"], granted_by=None
    )
    assert user.has_perm("wagtailadmin.access_admin")
    services.staff_role_revoke(staff_role=role, revoked_by=None)
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert not user.has_perm("wagtailadmin.access_admin")
    assert not Group.objects.get(name=services.EDITORS_GROUP).user_set.filter(pk=user.pk).exists()
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "staff_role.granted",
        "staff_role.revoked",
    ]


def test_creating_an_account_is_audited_and_the_address_can_be_vouched_for(db):
    admin = factories.AdminFactory()
    learner = services.user_create(
        email="Learner@Example.CN",
        password="x-Strong-2026",
        display_name="学员甲",
        kind=AccountKind.LEARNER,
        created_by=admin,
        email_verified=True,
    )
    assert learner.email == "learner@example.cn"
    assert learner.emailaddress_set.get().verified
    assert AuditEvent.objects.filter(
        action="account.created", actor=admin, object_id=str(learner.pk)
    ).exists()


def test_the_middleware_records_where_a_request_came_from(db):
    seen = {}

    def view(request):
        seen["row"] = services.audit_record(actor=None, action="test.read")
        from django.http import HttpResponse

        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="测试浏览器")
    RequestContextMiddleware(view)(request)
    assert (seen["row"].ip_address, seen["row"].user_agent) == ("192.0.2.7", "测试浏览器")
    # Outside a request nothing leaks from the last one.
    assert services.audit_record(actor=None, action="test.other").ip_address is None
