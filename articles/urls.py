from django.urls import path

from . import corrections, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/feed/", feeds.ArticleFeed(), name="article_feed"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("speakers/<slug:slug>/feed/", feeds.SpeakerQuoteFeed(), name="speaker_feed"),
    path("quotes/", views.QuoteListView.as_view(), name="quote_list"),
    path("quotes/feed/", feeds.QuoteFeed(), name="quote_feed"),
    path("quotes/<int:pk>/", views.QuoteDetailView.as_view(), name="quote_detail"),
    path("quotes/<int:pk>/correction/", corrections.QuoteCorrectionView.as_view(), name="quote_correction"),
]
