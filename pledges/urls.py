from django.urls import path

from . import feeds, views

app_name = "pledges"

urlpatterns = [
    path("", views.PledgeListView.as_view(), name="pledge_list"),
    path("feed/", feeds.PledgeStatusFeed(), name="status_feed"),
    path("<slug:slug>/", views.PledgeDetailView.as_view(), name="pledge_detail"),
    path("<slug:slug>/correction/", views.PledgeCorrectionView.as_view(), name="pledge_correction"),
]
