from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("settings/reminders/", views.notification_preferences, name="preferences"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("reminders/deliveries/", views.delivery_list, name="deliveries"),
]
