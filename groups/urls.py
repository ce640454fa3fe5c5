from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("mine/", views.my_groups, name="mine"),
    path("<slug:code>/", views.group_detail, name="detail"),
    path("<slug:code>/edit/", views.group_edit, name="edit"),
    path("<slug:code>/members/add/", views.member_add, name="member_add"),
    path(
        "<slug:code>/members/<id:membership_id>/remove/", views.member_remove, name="member_remove"
    ),
    path("<slug:code>/lead/", views.lead_hand_over, name="lead"),
    # The person pickers' searches (groups.people): members to add, and the next lead.
    path("<slug:code>/people/members/", views.people_search, name="people_members"),
    path(
        "<slug:code>/people/lead/",
        views.people_search,
        {"for_lead": True},
        name="people_lead",
    ),
    path("<slug:code>/close/", views.group_close, name="close"),
    path("<slug:code>/reopen/", views.group_reopen, name="reopen"),
    path("<slug:code>/learner/", views.learner_create, name="learner"),
    path("<slug:code>/learner/reissue/", views.learner_reissue, name="learner_reissue"),
]
