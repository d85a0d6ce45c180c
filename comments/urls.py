from django.urls import path

from . import views

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post_comment"),
    path("comments/<int:pk>/report/", views.report_comment, name="report_comment"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
]
