from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("deliveries/", views.delivery_list, name="deliveries"),
]
