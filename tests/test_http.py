"""RecordingSession against a real server that closes a kept-alive connection as it is reused."""

import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from harness.clients.http import RecordingSession

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"


def read_request(connection: socket.socket) -> bytes:
    """One whole request: its head, then the body its Content-Length announces (sent apart)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        body += connection.recv(65536)
    return data


@pytest.fixture
def closes_on_reuse() -> Iterator[tuple[str, list[int]]]:
    """Answers the first request on each connection, then closes it without answering the next one,
    as a server whose keep-alive timeout ran out between the two. Yields its URL and the requests
    answered, one count per connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    answered: list[int] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                if read_request(connection):
                    answered.append(1)  # before answering: the client may look as soon as it has the answer
                    connection.sendall(ANSWER)
                read_request(connection)  # the reused connection's request: closed unanswered

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/", answered
    listener.close()


def test_a_get_on_a_connection_the_server_dropped_is_sent_again_once(closes_on_reuse: tuple[str, list[int]]) -> None:
    url, answered = closes_on_reuse
    session = RecordingSession(timeout=5)
    assert session.get(url).text == "ok"
    assert session.get(url).text == "ok"
    assert len(answered) == 2 and len(session.exchanges) == 2


def test_a_post_on_a_connection_the_server_dropped_is_not_sent_again(closes_on_reuse: tuple[str, list[int]]) -> None:
    url, answered = closes_on_reuse
    session = RecordingSession(timeout=5)
    session.post(url, data="a")
    with pytest.raises(requests.ConnectionError):
        session.post(url, data="b")
    assert len(answered) == 1


def test_a_refused_connection_is_not_sent_again() -> None:
    unused = socket.create_server(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    with pytest.raises(requests.ConnectionError):
        RecordingSession(timeout=5).get(f"http://127.0.0.1:{port}/")


def test_an_exchange_is_rendered_with_its_sessions_secrets_masked(closes_on_reuse: tuple[str, list[int]]) -> None:
    url, _ = closes_on_reuse
    session = RecordingSession(secrets=["s3cret-value"], timeout=5)
    session.get(url + "?key=s3cret-value", headers={"X-Key": "s3cret-value"})
    rendered = session.take_exchanges()[0].rendered()
    assert "s3cret-value" not in rendered["request"] + rendered["response"]
    assert rendered["request"].startswith("GET ") and rendered["response"].startswith("200 OK") and session.exchanges == []
