"""The interface speaks the town's language first (DESIGN: Chinese first).

Django's LocaleMiddleware would follow the browser's Accept-Language, so a PC set up in English (or a headless
browser, en-US by default) would get an English UI on a Chinese government intranet. Here the language is the
one the user chose (the `django_language` cookie, set by /i18n/setlang/) or else LANGUAGE_CODE (zh-hans unless
the operator sets `LANGUAGE_CODE=en`); the browser's Accept-Language is not consulted.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SiteLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
