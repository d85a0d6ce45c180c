from django.urls import path

from . import author_views, feeds, views, voices_views

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post_comment"),
    path("articles/<slug:slug>/feed/", feeds.article_feed, name="article_feed"),
    path("articles/<slug:slug>/feed/atom/", feeds.article_feed_atom, name="article_feed_atom"),
    path("feed/", feeds.site_feed, name="site_feed"),
    path("feed/atom/", feeds.site_feed_atom, name="site_feed_atom"),
    path("articles/<slug:slug>/comments/stamp.gif", views.form_stamp, name="form_stamp"),
    path("comments/<int:pk>/report/", views.report_comment, name="report_comment"),
    path("articles/<slug:slug>/comments/staff/", voices_views.post_staff_reply, name="post_staff_reply"),
    path("comments/<int:pk>/recommend/", voices_views.recommend_comment, name="recommend_comment"),
    path("comments/<int:pk>/edit/", author_views.edit_comment, name="edit_comment"),
    path("comments/<int:pk>/delete/", author_views.delete_comment, name="delete_comment"),
    # Tokens come in the query string (?token=), which the access log leaves out.
    path("comments/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("comments/confirm/", views.confirm_email, name="confirm_email"),
    path("comments/appeal/", views.appeal, name="appeal"),
]
