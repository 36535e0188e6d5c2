from django.contrib import admin

from .models import Invoice, User

admin.site.register(User)
admin.site.register(Invoice)
