"""Change lists that cannot be used to probe personal data.

``FilterLookupsOnly`` is a mixin for every ModelAdmin of the project. Django's
``lookup_allowed()`` accepts a query-string lookup on any local field, so
``?email__startswith=j`` on a change list answers yes or no about an address
the page itself masks: one guess per request recovers it whole. The mixin
allows only the lookups the admin's own list filters and date hierarchy make,
and values without NUL (PostgreSQL refuses them with a 500); anything else is
refused with a 400, never answered. tests/comments/test_admin_lookups.py walks
every registered admin, so a new one without it fails there.
"""

from django.contrib import admin
from django.db import models


class FilterLookupsOnly:
    def lookup_allowed(self, lookup, value, request):
        return "\x00" not in str(value) and lookup in self.filter_lookups(request)

    def filter_lookups(self, request):
        """The query-string parameters this admin's list filters and date hierarchy send."""
        allowed = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                allowed.add(item.parameter_name)
                continue
            name = item[0] if isinstance(item, (list, tuple)) else item
            field = self.model._meta.get_field(name)
            if field.is_relation:
                allowed |= {f"{name}__{field.target_field.name}__exact", f"{name}__isnull"}
            elif isinstance(field, models.DateField):
                allowed |= {f"{name}__gte", f"{name}__lt", f"{name}__isnull"}
            else:
                allowed |= {f"{name}__exact", f"{name}__isnull"}
        if self.date_hierarchy:
            allowed |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        return allowed

    def get_search_results(self, request, queryset, search_term):
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
