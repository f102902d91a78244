from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    # The staged rows (chunks) hold ID numbers: they are deliberately not shown here.
    list_display = ["id", "register", "filename", "uploaded_by", "uploaded_at", "status", "total_rows", "refused_rows",
                    "written_rows"]
    list_filter = ["register", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
