"""The redis-server that tests and benchmarks run: it answers, stops answering when paused, and restarts empty."""

from __future__ import annotations

import redis

from sandbox.redis_server import RedisServer


def test_paused_killed_and_restarted_empty_on_the_same_port() -> None:
    with RedisServer() as server:
        with redis.Redis.from_url(server.url) as client:
            client.set("kept", b"1")
        url = server.url
        server.pause()
        assert not server.answers()
        server.resume()
        assert server.answers()
        server.kill()
        assert not server.answers()
        server.restart_empty()
        assert server.url == url
        with redis.Redis.from_url(server.url) as client:
            assert client.dbsize() == 0
