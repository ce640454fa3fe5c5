"""Every page that shows a group's restricted case notes leaves an audit row, whoever reads them;
pages that do not show them leave none for the notes."""

from django.urls import reverse

from portal.models import AuditEvent


def reads_of(group, user) -> int:
    return AuditEvent.objects.filter(
        action="group.viewed", object_id=str(group.pk), actor=user
    ).count()


def test_the_group_page_and_the_edit_form_each_record_a_read(world, client_for):
    world.group.case_notes = "每周电话报到，母亲住院需关注情绪"
    world.group.save(update_fields=["case_notes"])
    client = client_for(world.coordinator)
    for url in (
        reverse("groups:detail", args=[world.group.code]),
        reverse("groups:edit", args=[world.group.code]),
    ):
        before = reads_of(world.group, world.coordinator)
        page = client.get(url)
        assert "母亲住院" in page.content.decode()
        assert reads_of(world.group, world.coordinator) == before + 1, url


def test_the_lead_reading_the_notes_is_recorded_too(world, client_for):
    client_for(world.lead).get(reverse("groups:detail", args=[world.group.code]))
    assert reads_of(world.group, world.lead) == 1


def test_someone_refused_the_edit_form_leaves_no_read(world, client_for):
    response = client_for(world.volunteer).get(reverse("groups:edit", args=[world.group.code]))
    assert response.status_code == 404
    assert reads_of(world.group, world.volunteer) == 0
