"""Admin pieces every room's admin uses."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

# ModelAdmin is generic to the type checker only (django-stubs); at run time it takes no
# parameter, and django-stubs-ext is a development dependency.
if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(ModelAdmin):
    """Rows the admin shows but never adds, changes or deletes."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
