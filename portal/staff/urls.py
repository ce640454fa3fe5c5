from django.urls import path

from portal.region_import import views as region_import
from portal.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("people/<id:pk>/", views.person, name="person"),
    path("roles/<id:pk>/revoke/", views.revoke, name="revoke"),
    # Admins only: the national region tree (portal.region_import).
    path("regions/import/", region_import.upload, name="regions_import"),
    path("regions/import/<id:pk>/", region_import.report, name="regions_import_report"),
]
