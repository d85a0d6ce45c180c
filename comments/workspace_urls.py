"""/admin/moderate/: the moderators' workspace (comments/workspace.py), mounted before the admin site."""

from django.urls import path

from . import workspace

app_name = "moderate"

urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("<int:pk>/decide/", workspace.decide, name="decide"),
    path("undo/", workspace.undo, name="undo"),
    path("bulk/", workspace.bulk, name="bulk"),
    path("stats/", workspace.stats_page, name="stats"),
    path("commenter/<str:public_id>/", workspace.drawer, name="commenter"),
    path("commenter/<str:public_id>/<str:verb>/", workspace.commenter_action, name="commenter-action"),
]
