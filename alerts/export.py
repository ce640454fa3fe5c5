"""The after-action report as an .xlsx workbook: summary, timeline, per group, per role and
everyone reached. Text typed by people (names, replies, the message) is written so that a
spreadsheet never runs it as a formula (portal.spreadsheet)."""

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from openpyxl import Workbook

from alerts import selectors
from alerts.models import Alert, Recipient
from portal.spreadsheet import header_row, safe_text, workbook_bytes


def _local(value) -> datetime | None:
    """A naive local time (spreadsheets have no time zones) from a datetime or ISO text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _share(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def report_workbook(alert: Alert) -> bytes:
    report = alert.report
    summary = report["summary"]
    roles = dict(Recipient.Role.choices)
    book = Workbook(write_only=True)

    sheet = book.create_sheet(_("Summary"))
    header_row(sheet, [alert.kind_label, alert.region.name])
    for label, value in (
        (_("Kind"), alert.kind_label),
        (_("Region"), alert.region.name),
        (_("Sent by"), safe_text(alert.sender.display_name)),
        (_("Sent at"), _local(alert.created_at)),
        (_("Closed at"), _local(alert.closed_at)),
        (_("Message"), safe_text(alert.message)),
        (_("Recipients"), summary["total"]),
        (_("Delivered to a browser"), summary["delivered"]),
        (_("Opened"), summary["opened"]),
        (_("Acknowledged"), summary["acknowledged"]),
        (_("E-mailed"), summary["emailed"]),
        (_("Median seconds to acknowledge"), summary["median_seconds"]),
        (_("Acknowledged within 5 minutes"), _share(summary["within_5min_share"])),
    ):
        sheet.append([str(label), value])
    previous = report["previous"]
    if previous:
        sheet.append([])
        sheet.append([_("Previous %(kind)s of this region") % {"kind": alert.kind_label}])
        sheet.append([_("Sent at"), _local(previous["sent_at"])])
        sheet.append([_("Median seconds to acknowledge"), previous["median_seconds"]])
        sheet.append([_("Acknowledged within 5 minutes"), _share(previous["within_5min_share"])])

    sheet = book.create_sheet(_("Timeline"))
    header_row(sheet, [_("Time"), _("Event"), _("Person"), _("Group"), _("Role"), _("Seconds"),
                    _("Reply")])  # fmt: skip
    moments = summary["moments"]
    for label, at in (
        (_("Sent"), summary["sent_at"]),
        (_("First browser confirmed delivery"), moments["first_delivered"]),
        (_("E-mail to those who had not acknowledged"), moments["first_email"]),
        (_("Leads reminded"), moments["first_lead_reminder"]),
        (_("Closed"), summary["closed_at"]),
    ):
        if at:
            sheet.append([_local(at), str(label)])
    for row in selectors.acknowledgements_all(alert).iterator(chunk_size=2000):
        sheet.append([
            _local(row.acknowledged_at), _("Acknowledged"), safe_text(row.user.display_name),
            row.group.code if row.group else "", str(roles.get(row.role, row.role)),
            round((row.acknowledged_at - alert.created_at).total_seconds(), 1),
            safe_text(row.reply),
        ])  # fmt: skip

    sheet = book.create_sheet(_("Per group"))
    header_row(sheet, [_("Group"), _("Recipients"), _("Acknowledged"), _("Median seconds"),
                    _("Within 5 minutes")])  # fmt: skip
    for row in report["groups"]:
        sheet.append([row["group"] or _("Staff (no group)"), row["total"], row["acknowledged"],
                      row["median_seconds"], _share(row["within_5min_share"])])  # fmt: skip

    sheet = book.create_sheet(_("Per role"))
    header_row(sheet, [_("Role"), _("Recipients"), _("Acknowledged"), _("Median seconds"),
                    _("Within 5 minutes")])  # fmt: skip
    for row in report["roles"]:
        sheet.append([str(roles.get(row["role"], row["role"])), row["total"],
                      row["acknowledged"], row["median_seconds"],
                      _share(row["within_5min_share"])])  # fmt: skip

    sheet = book.create_sheet(_("Everyone reached"))
    header_row(sheet, [_("Person"), _("Group"), _("Role"), _("Pushed"), _("Delivered to a browser"),
                    _("Opened"), _("Acknowledged"), _("Seconds"), _("Reply"), _("E-mailed"),
                    _("Lead reminded")])  # fmt: skip
    for row in selectors.everyone(alert).iterator(chunk_size=2000):
        seconds = (
            round((row.acknowledged_at - alert.created_at).total_seconds(), 1)
            if row.acknowledged_at
            else None
        )
        sheet.append([
            safe_text(row.user.display_name), row.group.code if row.group else "",
            str(roles.get(row.role, row.role)), _local(row.sent_at), _local(row.delivered_at),
            _local(row.opened_at), _local(row.acknowledged_at), seconds, safe_text(row.reply),
            _local(row.emailed_at), _local(row.lead_reminded_at),
        ])  # fmt: skip
    return workbook_bytes(book)
