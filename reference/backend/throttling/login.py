"""The Content Types tab's login (SEC-13): after a username's failed logins reach the rate, every
attempt for it, even with the right password, is answered 429 with Retry-After until the window
ends. Only that username waits: another user logs in as before."""

from django.contrib.auth.views import LoginView

from .counters import configured_rate, note, waiting


def _username(request) -> str:
    return request.POST.get("username", "").strip().lower()[:150]


class ThrottledLoginView(LoginView):
    def post(self, request, *args, **kwargs):
        seconds = waiting("login", _username(request), configured_rate("IGNY8_LOGIN_RATE"))
        if seconds is not None:
            # An unbound form: binding it would check the password, the very thing being refused.
            context = self.get_context_data(form=self.form_class(request), throttled_for=seconds)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        note("login", _username(self.request), configured_rate("IGNY8_LOGIN_RATE"))
        return super().form_invalid(form)
