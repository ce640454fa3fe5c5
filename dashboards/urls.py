from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.region_dashboard, name="region"),
    path("<str:code>/export.xlsx", views.export_xlsx, name="export"),
    path("<str:code>/print/", views.printable, name="print"),
]
