from portal.models.accounts import AccountKind, StaffRole, User
from portal.models.audit import AuditEvent
from portal.models.pages import HomePage
from portal.models.region_imports import RegionImport, RegionImportRow
from portal.models.regions import Region
from portal.models.taxonomy import Industry, OffenceCategory, Term

__all__ = [
    "AccountKind",
    "AuditEvent",
    "HomePage",
    "Industry",
    "OffenceCategory",
    "Region",
    "RegionImport",
    "RegionImportRow",
    "StaffRole",
    "Term",
    "User",
]
