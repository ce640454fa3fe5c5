from django.urls import path

from volunteers import activity_views, clearance_views, views

app_name = "volunteers"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("leave/", views.leave, name="leave"),
    path("queue/", views.queue, name="queue"),
    path("queue/approve/", views.bulk_approve, name="bulk_approve"),
    path("directory/", views.directory, name="directory"),
    path("people/<id:pk>/", views.profile_detail, name="profile_detail"),
    path(
        "people/<id:pk>/juveniles/", clearance_views.juvenile_clearance, name="juvenile_clearance"
    ),
    path("hours/", views.hours, name="hours"),
    path("hours/review/", views.hours_review, name="hours_review"),
    path("hours/<id:pk>/decide/", views.hours_decide, name="hours_decide"),
    path("hours/export/", views.hours_export, name="hours_export"),
    path("import/", views.import_volunteers, name="import"),
    path("activities/", activity_views.activity_list, name="activities"),
    path("activities/new/", activity_views.activity_create, name="activity_create"),
    path("activities/mine/", activity_views.my_activities, name="my_activities"),
    path("activities/<id:pk>/", activity_views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/qr.png", activity_views.activity_qr, name="activity_qr"),
    path("activities/<id:pk>/sign-up/", activity_views.activity_sign_up, name="activity_sign_up"),
    path("activities/<id:pk>/cancel/", activity_views.activity_cancel, name="activity_cancel"),
    path("activities/<id:pk>/check-in/", activity_views.activity_checkin, name="activity_checkin"),
    path(
        "activities/<id:pk>/check-out/", activity_views.activity_checkout, name="activity_checkout"
    ),
    path("calendar/<slug:token>.ics", activity_views.calendar_feed, name="calendar"),
]
