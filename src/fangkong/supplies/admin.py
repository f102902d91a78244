from django.contrib import admin

from .models import Item, Post, StandIn, StockEvent, Store


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """The catalogue is data: the command centre sets each item's reserve and low-stock threshold here."""

    list_display = ("code", "name", "unit", "reserve", "alert_days", "position")
    list_editable = ("reserve", "alert_days")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tier")
    filter_horizontal = ("protection",)


@admin.register(StandIn)
class StandInAdmin(admin.ModelAdmin):
    list_display = ("item", "substitute")


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "jurisdiction")
    readonly_fields = ("owner_path",)


@admin.register(StockEvent)
class StockEventAdmin(admin.ModelAdmin):
    list_display = ("at", "store", "item", "kind", "quantity", "balance")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in StockEvent._meta.fields]  # the ledger changes through the service only
