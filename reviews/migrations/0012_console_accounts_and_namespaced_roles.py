"""Role groups get hitlcrm's own names (``reviewer`` -> ``hitlcrm: reviewer``), and the console users
create_reviewer made are recorded (ConsoleAccount), so the commands touch nothing else.

An existing database: a group with an old role name is renamed only if hitlcrm made it, that is if
every permission it holds is one of this app's (a project's own ``admin`` group holds others and
is left alone); its non-superuser members become console accounts.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


OLD_ROLE_NAMES = ("reviewer", "senior_reviewer", "compliance", "admin")


def namespace_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ConsoleAccount = apps.get_model("hitlcrm_reviews", "ConsoleAccount")
    for name in OLD_ROLE_NAMES:
        group = Group.objects.filter(name=name).first()
        if group is None or Group.objects.filter(name=f"hitlcrm: {name}").exists():
            continue
        labels = set(group.permissions.values_list("content_type__app_label", flat=True))
        if labels != {"hitlcrm_reviews"}:
            continue  # not hitlcrm's: no permissions, or some of another app
        group.name = f"hitlcrm: {name}"
        group.save(update_fields=["name"])
        for user in group.user_set.filter(is_superuser=False):
            ConsoleAccount.objects.get_or_create(user=user)


def restore_role_names(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in OLD_ROLE_NAMES:
        if not Group.objects.filter(name=name).exists():
            Group.objects.filter(name=f"hitlcrm: {name}").update(name=name)


class Migration(migrations.Migration):

    dependencies = [
        ('hitlcrm_reviews', '0011_sending_rules'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsoleAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='hitlcrm_console_account', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'reviews_consoleaccount',
            },
        ),
        migrations.RunPython(namespace_role_groups, restore_role_names),
    ]
