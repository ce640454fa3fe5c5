"""An organisation's affiliated people as an .xlsx workbook with Chinese headers (what an
agency files with its reports), like volunteers.export."""

from django.utils import timezone
from openpyxl import Workbook

from portal.spreadsheet import header_row, safe_text, workbook_bytes

HEADERS = (
    "姓名",
    "显示名称",
    "类型",
    "关联确认日期",
    "已确认服务时长（小时）",
    "参与中的矫正小组数",
)
KIND = {"volunteer": "志愿者", "social_worker": "社工"}


def affiliations_workbook(affiliations) -> bytes:
    """`affiliations` as partners.selectors.affiliated_people gives them (annotated)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("关联人员")
    header_row(sheet, HEADERS)
    total = 0
    for a in affiliations.iterator(chunk_size=2000):
        profile = a.profile
        sheet.append(
            [
                safe_text(profile.real_name),
                safe_text(profile.user.display_name if profile.user_id else ""),
                KIND.get(profile.kind, profile.kind),
                timezone.localtime(a.decided_at).date() if a.decided_at else "",
                float(a.confirmed_hours),
                a.active_groups,
            ]
        )
        total += a.confirmed_hours
    sheet.append([])
    sheet.append(["合计", "", "", "", float(total)])
    return workbook_bytes(book)
