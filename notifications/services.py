"""In-app notifications. Outside channels (SMS, WeCom, e-mail) and reminder sweeps build on these rows."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Notification


def notify_users(users, title: str, body: str = "", link: str = "") -> int:
    rows = [Notification(recipient=user, title=str(title)[:200], body=str(body), link=link) for user in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_role(role: str, title: str, body: str = "", link: str = "", exclude=None) -> int:
    users = get_user_model().objects.filter(groups__name=role, is_active=True).distinct()
    if exclude is not None and getattr(exclude, "pk", None):
        users = users.exclude(pk=exclude.pk)
    return notify_users(users, title, body, link)


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
