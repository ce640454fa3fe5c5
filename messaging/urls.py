from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("group/<slug:code>/", views.group_room, name="group_room"),
    path("group/<slug:code>/direct/", views.direct, name="direct"),
    path("c/<id:conversation_id>/", views.conversation, name="conversation"),
    path("c/<id:conversation_id>/send/", views.send, name="send"),
    path("m/<id:message_id>/edit/", views.message_edit, name="edit"),
    path("m/<id:message_id>/delete/", views.message_delete, name="delete"),
    path("m/<id:message_id>/report/", views.message_report, name="report"),
    path("m/<id:message_id>/hide/", views.message_hide, name="hide"),
    path("m/<id:message_id>/attachment/", views.attachment, name="attachment"),
    path("m/<id:message_id>/read-by/", views.read_by, name="read_by"),
    path("reports/", views.reports, name="reports"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<id:notification_id>/open/", views.notification_open, name="open"),
    path("notifications/read-all/", views.notifications_read_all, name="read_all"),
    path("notifications/settings/", views.notification_settings, name="settings"),
]
