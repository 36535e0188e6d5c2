"""The notifications' URLs; a project includes them (the standalone one under ``notifications/``)."""

from django.urls import path

from .notification_views import notification_link_view, slack_actions_view

urlpatterns = [
    path("slack/actions/", slack_actions_view, name="notification-slack-actions"),
    path("open/<str:token>/", notification_link_view, name="notification-link"),
]
