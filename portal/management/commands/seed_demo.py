"""Load the demo: regions of the four examples, one account for every role, the home page.

Safe to run again: what exists is kept, demo passwords are reset so the printed logins work.
Later apps extend this command with their own demo data.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import services
from portal.demo_regions import REGIONS
from portal.models import AccountKind, HomePage, Region, StaffRole, User
from portal.registry import app_modules

DEMO_PASSWORD = "demo-2026-portal"  # noqa: S105 - demo data only, printed on purpose

# (e-mail, display name, kind, staff role, region code, superuser)
DEMO_ACCOUNTS = (
    ("admin@demo.portal.cn", "平台管理员", AccountKind.STAFF, None, None, True),
    (
        "coordinator@demo.portal.cn",
        "李协调（天河区）",
        AccountKind.STAFF,
        StaffRole.Role.COORDINATOR,
        "440106",
        False,
    ),
    (
        "editor@demo.portal.cn",
        "陈老师（教育矫正专员）",
        AccountKind.STAFF,
        StaffRole.Role.EDUCATION_OFFICER,
        "440000",
        False,
    ),
    (
        "observer@demo.portal.cn",
        "王局长（观察员）",
        AccountKind.STAFF,
        StaffRole.Role.OBSERVER,
        "440100",
        False,
    ),
    ("volunteer@demo.portal.cn", "张晓明", AccountKind.VOLUNTEER, None, None, False),
    ("socialworker@demo.portal.cn", "刘芳", AccountKind.SOCIAL_WORKER, None, None, False),
    ("partner@demo.portal.cn", "黄经理（企业）", AccountKind.PARTNER, None, None, False),
    ("learner@demo.portal.cn", "学员甲", AccountKind.LEARNER, None, None, False),
)

HOME_NOTICE = (
    "<p><b>志愿者招募</b>：欢迎具有心理咨询、法律援助、职业技能培训经验的志愿者报名，"
    "与矫正小组一起帮助社区矫正对象顺利回归社会。</p>"
)


class Command(BaseCommand):
    help = "Load demo regions, one account for every role, and the home page."

    def handle(self, *args, **options):
        with transaction.atomic():
            added = services.region_tree_load(tree=REGIONS)
            accounts = [self._account(*row) for row in DEMO_ACCOUNTS]
            self._home_page()
            # Each app's demo.py, in dependency order; each must be safe to re-run.
            for module in app_modules("demo"):
                module.seed(stdout=self.stdout)
        self.stdout.write(f"Regions: {added} added, {Region.objects.count()} in all.")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for user in accounts:
            self.stdout.write(f"  {user.get_kind_display():<12} {user.email:<32} {user}")

    def _account(self, email, name, kind, role, region_code, superuser):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = services.user_create(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                kind=kind,
                email_verified=True,
            )
        else:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if superuser and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        if role:
            services.staff_role_grant(
                user=user, role=role, region=Region.objects.get(code=region_code), granted_by=None
            )
        return user

    def _home_page(self):
        home = HomePage.objects.first()
        if home and not home.notice:
            home.notice = HOME_NOTICE
            home.save_revision().publish()
