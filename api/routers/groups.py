"""My groups: the caller's memberships, current first (groups.selectors.my_groups, as the
"My groups" page)."""

from datetime import datetime

from ninja import Router, Schema

from api.schemas import READ_ERRORS
from groups import selectors

router = Router()


class MyGroup(Schema):
    code: str
    role: str
    role_label: str
    judicial_office: str
    stage: str
    stage_label: str
    status: str
    status_label: str
    joined_at: datetime
    left_at: datetime | None


@router.get("", response={200: list[MyGroup], **READ_ERRORS}, summary="My groups")
def my_groups(request):
    return [
        MyGroup(
            code=m.group.code,
            role=m.role,
            role_label=m.get_role_display(),
            judicial_office=m.group.judicial_office.name,
            stage=m.group.stage,
            stage_label=m.group.get_stage_display(),
            status=m.group.status,
            status_label=m.group.get_status_display(),
            joined_at=m.joined_at,
            left_at=m.left_at,
        )
        for m in selectors.my_groups(request.auth)
    ]
