from django.urls import path

from . import views

app_name = "pledges"

urlpatterns = [
    path("", views.PledgeListView.as_view(), name="pledge_list"),
    path("<slug:slug>/", views.PledgeDetailView.as_view(), name="pledge_detail"),
]
