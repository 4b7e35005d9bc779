"""The notifications app's web pages, mounted under the inbox (/inbox/, config.site.InboxApplication):
messages.py — 我的消息 (in-app messages); preferences.py — 我的提醒设置 (how reminders reach the user);
deadlines.py — a deadline's page, requests to suspend, resume or extend it, and their approval."""
