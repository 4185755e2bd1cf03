"""harness.clients.tab_session reads Set-Cookie headers as RFC 6265 says, without keeping values."""

from harness.clients.tab_session import made_up_like, parse_set_cookie

DJANGO = "sessionid=k3yvalue0123456789abcdefghijklmn; expires=Mon, 21 Dec 2026 07:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure"
FLASK = "igny8alt_session=eyJ1aWQiOjF9.Z3.abc-_; Secure; HttpOnly; Path=/; SameSite=Strict"


def test_the_flags_are_read_case_insensitively_and_no_value_is_kept():
    django, flask = parse_set_cookie(DJANGO), parse_set_cookie(FLASK)
    assert (django.name, django.secure, django.http_only, django.same_site, django.clears) == ("sessionid", True, True, "Lax", False)
    assert (flask.name, flask.same_site, flask.flag_problems()) == ("igny8alt_session", "Strict", [])
    assert "k3yvalue" not in str(django.shown()) and "eyJ1" not in str(flask.shown())


def test_what_sec_14_misses_is_named():
    assert parse_set_cookie("sid=v; path=/").flag_problems() == ["no Secure", "no HttpOnly", "no SameSite"]
    assert parse_set_cookie("sid=v; secure; httponly; samesite=None").flag_problems() == ["SameSite=None"]


def test_a_deletion_is_told_apart():
    assert parse_set_cookie('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/').clears
    assert parse_set_cookie("session=; Max-Age=0; Path=/").clears
    assert not parse_set_cookie(DJANGO).clears


def test_a_made_up_identifier_has_the_shape_of_the_real_one_and_is_not_it():
    real = "k3yvalue0123456789abcdefghijklmn"
    made = made_up_like(real)
    assert made != real and len(made) == len(real) and made.isalnum() and made.lower() == made
    assert made_up_like("eyJ1aWQiOjF9.Z3.abc-_") != made_up_like("eyJ1aWQiOjF9.Z3.abc-_")
