"""The editorial set-up: education officers (Wagtail's "Editors") draft, reviewers (Wagtail's
"Moderators") approve through a workflow with one group-approval task, on the curriculum's
index pages. Written against an apps registry so the data migration and seed_demo share it."""

from django.apps import apps as global_apps

EDITORS = "Editors"
REVIEWERS = "Moderators"
WORKFLOW_NAME = "课程审核流程"
TASK_NAME = "审核员审核"
# Page permissions on the whole tree: editors draft, reviewers also publish.
PAGE_PERMISSIONS = {
    EDITORS: ("add_page", "change_page", "lock_page", "unlock_page"),
    REVIEWERS: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
COLLECTION_PERMISSIONS = ("add_image", "choose_image", "add_document", "choose_document")


def editorial_setup(apps=global_apps) -> object:
    """Groups, their permissions and the review workflow; returns the workflow. Idempotent."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_ct,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    page_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    root = Page.objects.filter(depth=1).first()
    collection = Collection.objects.filter(depth=1).first()
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(access_admin)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=page_ct, codename=codename, defaults={"name": codename}
            )
            if root is not None:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
        if collection is not None:
            for codename in COLLECTION_PERMISSIONS:
                app_label = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
                ct, _ = ContentType.objects.get_or_create(
                    app_label=app_label, model=codename.split("_")[1]
                )
                permission, _ = Permission.objects.get_or_create(
                    content_type=ct, codename=codename, defaults={"name": codename}
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task_ct, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_ct, active=True)
    task.groups.add(groups[REVIEWERS])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    workflow_assign_indexes(apps, workflow)
    return workflow


def workflow_assign_indexes(apps, workflow) -> None:
    """Put the curriculum's index pages (and so everything beneath) under the workflow."""
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    for model in ("CurriculumIndexPage", "LessonSeriesIndexPage"):
        for page in apps.get_model("curriculum", model).objects.all():
            WorkflowPage.objects.update_or_create(page_id=page.pk, defaults={"workflow": workflow})


def reviewer_add(*, user, added_by) -> None:
    """Make a staff member a reviewer (Wagtail's Moderators), who approves lessons."""
    from django.contrib.auth.models import Group

    from portal.services import audit_record

    editorial_setup()
    user.groups.add(Group.objects.get(name=REVIEWERS))
    audit_record(actor=added_by, action="curriculum.reviewer_added", target=user)
