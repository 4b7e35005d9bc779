"""The site's URLs plus `/bench/bare/`: the floor of a request through the same gunicorn, middleware and token
authentication (a JSON answer that reads nothing but the user), against which the inbox is measured."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler404, handler500, urlpatterns as site_urlpatterns  # noqa: F401


class BareView(APIView):
    """GET → {"ok": true, "user": the caller's username}."""

    def get(self, request):
        return Response({"ok": True, "user": request.user.get_username()})


urlpatterns = [path("bench/bare/", BareView.as_view()), *site_urlpatterns]
