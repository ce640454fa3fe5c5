from portal.models.accounts import AccountKind, StaffRole, User
from portal.models.audit import AuditEvent
from portal.models.pages import HomePage
from portal.models.regions import Region

__all__ = ["AccountKind", "AuditEvent", "HomePage", "Region", "StaffRole", "User"]
