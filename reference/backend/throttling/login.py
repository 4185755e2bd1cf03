"""The Content Types tab's login (SEC-13): after an account's failed logins reach the rate, every
attempt for it, under any form of its name, even with the right password, is answered 429 with
Retry-After until the window ends. Only that account waits: another user logs in as before."""

import unicodedata

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView

from .counters import configured_rate, note, waiting


def _username(request) -> str:
    """The key failed logins are counted under: the account the name logs into.

    Authentication does not see the name as typed: the form's username field strips it and applies
    NFKC, and ModelBackend then looks it up exactly in USERNAME_FIELD, whose names are stored NFKC
    too (AbstractBaseUser.normalize_username). So every form of a name that logs into an account
    cleans to that account's own name; counting the typed text instead made "ｑａ" (fullwidth) a
    bucket of its own, which logged in while "qa" waited (issue #39)."""
    name = AuthenticationForm.base_fields["username"].to_python(request.POST.get("username", ""))
    # Case-folded too (and NFKC again, which casefold can undo), so that a name resolving to no
    # account counts under the one normalised form of all its spellings: no variant escapes the
    # count, and only a name that is a variant of an account's shares that account's bucket.
    return unicodedata.normalize("NFKC", name.casefold())[:150]


class ThrottledLoginView(LoginView):
    def post(self, request, *args, **kwargs):
        seconds = waiting("login", _username(request), configured_rate("IGNY8_LOGIN_RATE"))
        if seconds is not None:
            # An unbound form: binding it would check the password, the very thing being refused;
            # and nothing here logs in or writes to the session, so a refusal makes no session.
            context = self.get_context_data(form=self.form_class(request), throttled_for=seconds)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        note("login", _username(self.request), configured_rate("IGNY8_LOGIN_RATE"))
        return super().form_invalid(form)
