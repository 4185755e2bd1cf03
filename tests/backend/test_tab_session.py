"""SEC-16 in the reference backend: the tab's Log out ends the session in the database and goes
back to the login page (it answered 500 before LOGOUT_REDIRECT_URL was set: no logged_out template)."""

from django.contrib.sessions.models import Session


def test_log_out_ends_the_session_and_goes_back_to_the_login_page(client, tenant):
    client.force_login(tenant.user)
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    answer = client.post("/accounts/logout/")
    assert (answer.status_code, answer["Location"]) == (302, "/accounts/login/")
    assert not Session.objects.filter(session_key=key).exists(), "the session outlived the logout"
    assert client.get(f"/sites/{tenant.site.pk}/content-types/").status_code == 302
