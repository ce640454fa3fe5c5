"""A region's service hours as an .xlsx workbook with Chinese headers (what 司法所 staff file)."""

from django.utils import timezone
from openpyxl import Workbook

from portal.spreadsheet import header_row, safe_row, workbook_bytes

HEADERS = (
    "日期",
    "姓名",
    "显示名称",
    "类型",
    "服务时长（小时）",
    "矫正小组",
    "志愿活动",
    "服务区域",
    "服务内容",
    "状态",
    "确认人",
    "确认时间",
)
KIND = {"volunteer": "志愿者", "social_worker": "社工"}
STATUS = {"pending": "待确认", "confirmed": "已确认", "rejected": "未通过"}


def hours_workbook(records) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("服务时长")
    header_row(sheet, HEADERS)
    total = 0
    for r in records.iterator(chunk_size=2000):
        profile = r.profile
        sheet.append(
            safe_row(
                [
                    r.date,
                    profile.real_name or "（已注销）",
                    profile.user.display_name if profile.user_id else "",
                    KIND.get(profile.kind, profile.kind),
                    float(r.hours),
                    r.group.code if r.group_id else "",
                    r.activity.title if r.activity_id else "",
                    r.region.name,
                    r.description,
                    STATUS.get(r.status, r.status),
                    r.decided_by.display_name if r.decided_by_id else "",
                    timezone.localtime(r.decided_at).strftime("%Y-%m-%d %H:%M")
                    if r.decided_at
                    else "",
                ]
            )
        )
        if r.status == "confirmed":
            total += r.hours
    sheet.append([])
    sheet.append(["已确认合计", "", "", "", float(total)])
    return workbook_bytes(book)
