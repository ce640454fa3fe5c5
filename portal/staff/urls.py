from django.urls import path

from portal.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("people/<int:pk>/", views.person, name="person"),
    path("roles/<int:pk>/revoke/", views.revoke, name="revoke"),
]
