from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("<id:alert_id>/", views.alert_board, name="board"),
    path("<id:alert_id>/close/", views.alert_close, name="close"),
    path("<id:alert_id>/report/", views.alert_report, name="report"),
    path("<id:alert_id>/report.xlsx", views.alert_report_xlsx, name="report_xlsx"),
    path("<id:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
]
