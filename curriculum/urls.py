from django.urls import path

from curriculum import views

app_name = "curriculum"

urlpatterns = [
    path("lessons/", views.lesson_list, name="lessons"),
    path("lessons/<id:pk>/", views.lesson_detail_redirect, name="lesson"),
    path("lessons/<id:pk>/complete/", views.lesson_complete, name="complete"),
    path("mine/", views.my_lessons, name="mine"),
    path("groups/<slug:code>/", views.group_learning, name="group"),
    path("groups/<slug:code>/assign/", views.lesson_assign, name="assign"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<id:pk>/", views.session_detail, name="session"),
    path("report/", views.hours_report, name="report"),
]
