from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:code>/", views.region_dashboard, name="region"),
    path("<slug:code>/export.xlsx", views.export_xlsx, name="export"),
    path("<slug:code>/print/", views.printable, name="print"),
]
