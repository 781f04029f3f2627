from newscrawler.urls import host_of, replace_origin, state_key, strip_tracking


def test_strip_tracking_keeps_content_parameters() -> None:
    url = "https://www.shz.de/a-41250311?utm_source=rss&id=7&fbclid=x&wt_mc=a.b#comments"
    assert strip_tracking(url) == "https://www.shz.de/a-41250311?id=7"
    assert strip_tracking("https://x.de/a?page=2") == "https://x.de/a?page=2"
    assert strip_tracking("https://x.de/a?utm_medium=x") == "https://x.de/a"


def test_state_key_is_one_key_per_article() -> None:
    variants = [
        "https://www.shz.de/a-41250311",
        "HTTPS://WWW.SHZ.DE:443/a-41250311?utm_source=x",
        "https://www.shz.de/a-41250311#top",
        "https://www.shz.de/a-41250311?",
    ]
    assert len({state_key(u) for u in variants}) == 1
    assert state_key("https://x.de/a?b=2&a=1") == "https://x.de/a?a=1&b=2"


def test_origin_helpers() -> None:
    assert host_of("https://WWW.shz.de:8080/x") == "www.shz.de"
    assert replace_origin("https://www.shz.de/rss?x=1", "http://127.0.0.1:8000") == (
        "http://127.0.0.1:8000/rss?x=1"
    )


def test_a_port_that_is_not_one_gives_a_key_not_an_exception() -> None:
    # (a canonical link on an article page may carry one; the page must still become an item)
    assert state_key("https://WWW.x.de:abc/a?utm_source=x") == "https://www.x.de:abc/a"
    assert state_key("https://x.de:99999/a") == "https://x.de:99999/a"
