"""Declared options (`newscrawler.options`): a misspelt `-a` argument or `NEWSCRAWLER_*` setting
and a value of the wrong type stop the run before any request, in words a user understands."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawler import settings as project_settings
from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.options import (
    CRAWL_ARGUMENTS,
    POSITIVE_NUMBER,
    SETTINGS,
    SWITCH,
    Option,
    OptionError,
    Options,
    check_settings,
)
from newscrawler.spiders.news import GenericNewsSpider
from newscrawler.spiders.sites import SITE_SPIDERS
from tests.support.cron import run_cron

ShzSpider = SITE_SPIDERS["shz"]


# --- Declarations ---------------------------------------------------------------------------


def test_unknown_names_get_the_closest_known_one() -> None:
    with pytest.raises(OptionError, match=r"^unknown argument 'day' \(did you mean 'days'\?\)$"):
        ShzSpider(day="2")
    with pytest.raises(OptionError, match=r"did you mean 'base_url'"):
        ShzSpider(baseurl="http://127.0.0.1:1")
    with pytest.raises(OptionError, match=r"did you mean 'incremental'"):
        ShzSpider(INCREMENTAL="0")
    with pytest.raises(OptionError, match=r"unknown argument 'bogus' \(known: base_url, days,"):
        ShzSpider(bogus="1")
    with pytest.raises(OptionError, match=r"did you mean 'sitemap'"):
        GenericNewsSpider(sitemaps="https://www.example.de/sitemap.xml")


def test_wrong_values_name_the_argument_and_what_it_expects() -> None:
    cases = {
        "days": ("abc", "argument 'days' expects a number above 0 (e.g. 2 or 0.5), got 'abc'"),
        "base_url": ("127.0.0.1:8000", "argument 'base_url' expects an http(s) origin"),
        "incremental": ("perhaps", "argument 'incremental' expects 1 or 0"),
    }
    for name, (value, message) in cases.items():
        with pytest.raises(OptionError) as raised:
            ShzSpider(**{name: value})
        assert str(raised.value).startswith(message), raised.value
    with pytest.raises(
        OptionError, match=r"'depth' expects a whole number of 1 or more, got '1\.5'"
    ):
        GenericNewsSpider(site="www.example.de", depth="1.5")
    for days in ("-3", "0", "nan", "inf x"):
        with pytest.raises(OptionError):
            ShzSpider(days=days)


def test_values_become_attributes_and_private_arguments_pass_untouched() -> None:
    spider = ShzSpider(days="0.5", base_url="http://127.0.0.1:8000/any", _job="abc", _version="3")
    assert spider.days == 0.5 and spider.base_url == "http://127.0.0.1:8000"
    assert spider.incremental is True  # the default
    assert spider._job == "abc" and spider._version == "3"  # (Scrapyd's)
    assert ShzSpider(incremental="off", days="").incremental is False
    assert ShzSpider(days="").days is None
    news = GenericNewsSpider(start="https://www.example.de/lokales", depth="2")
    assert news.start_page == "https://www.example.de/lokales" and news.depth_arg == 2
    assert callable(news.start)  # the argument `start` does not hide Spider.start()


def test_a_spider_declares_its_own_arguments_in_a_few_lines() -> None:
    """How another spider (a WARC reader, say) declares arguments beside the common ones."""

    class WarcLikeSpider(ShzSpider):  # type: ignore[misc, valid-type]
        name = "warc_like"
        arguments = ShzSpider.arguments + Options(
            Option("limit", POSITIVE_NUMBER, "stop after N pages"),
            Option("keep", SWITCH, "keep the records", default=False),
        )

    spider = WarcLikeSpider(limit="3", days="2")
    assert (spider.limit, spider.keep, spider.days) == (3.0, False, 2.0)
    with pytest.raises(OptionError, match="did you mean 'limit'"):
        WarcLikeSpider(limt="3")
    assert "incremental" in CRAWL_ARGUMENTS and "incremental" in WarcLikeSpider.arguments


def test_settings_typos_and_wrong_values() -> None:
    check_settings(Settings({"NEWSCRAWLER_STATE_URL": "sqlite:///x.sqlite", "OTHER": "x"}))
    with pytest.raises(OptionError, match=r"did you mean 'NEWSCRAWLER_STATE_URL'"):
        check_settings(Settings({"NEWSCRAWLER_STATE_UR": "sqlite:///x"}))
    with pytest.raises(OptionError, match=r"unknown setting 'newscrawler_output_dir' \(did you"):
        check_settings(Settings({"newscrawler_output_dir": "/tmp/x"}))
    with pytest.raises(OptionError, match="setting 'NEWSCRAWLER_EXTRACT_WORKERS' expects"):
        check_settings(Settings({"NEWSCRAWLER_EXTRACT_WORKERS": "two"}))
    check_settings(Settings({"NEWSCRAWLER_EXTRACT_WORKERS": ""}))  # empty: one per CPU


def test_every_project_setting_is_declared() -> None:
    defined = {name for name in vars(project_settings) if name.startswith("NEWSCRAWLER_")}
    assert defined == set(SETTINGS.by_name)
    check_settings(Settings(vars(project_settings)))  # the defaults pass their own checks


# --- Real crawls: stopped before the first request --------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        ({"day": "2"}, {}, "unknown argument 'day' (did you mean 'days'?)"),
        (
            {"bogus": "1"},
            {},
            "unknown argument 'bogus' (known: base_url, days, incremental, revisit)",
        ),
        ({"days": "abc"}, {}, "argument 'days' expects a number above 0 (e.g. 2 or 0.5), got"),
        (
            {},
            {"NEWSCRAWLER_STATE_UR": "sqlite:///tmp/x.sqlite"},
            "unknown setting 'NEWSCRAWLER_STATE_UR' (did you mean 'NEWSCRAWLER_STATE_URL'?)",
        ),
        (
            {},
            {"NEWSCRAWLER_FOLLOW_DEPTH": "abc"},
            "setting 'NEWSCRAWLER_FOLLOW_DEPTH' expects a whole number of 1 or more, got 'abc'",
        ),
    ],
)
def test_a_mistake_stops_the_crawl_before_any_request(
    args: dict[str, str],
    settings: dict[str, str],
    message: str,
    shz_server: ReplicaServer,
    tmp_path: Path,
) -> None:
    run = run_cron("shz", tmp_path, args={"base_url": shz_server.url, **args}, settings=settings)
    assert run.returncode == ExitStatus.NOT_STARTED, run.log[-3000:]
    assert f"Crawl not started: {message}" in run.log
    assert "Traceback" not in run.log and "ValueError" not in run.log
    assert shz_server.requests == [] and run.summary is None
    assert not (tmp_path / ".state").exists()


@pytest.mark.slow
def test_news_spider_depth_in_words(tmp_path: Path) -> None:
    run = run_cron("news", tmp_path, args={"site": "127.0.0.1:1", "depth": "abc"})
    assert run.returncode == ExitStatus.NOT_STARTED, run.log[-3000:]
    assert "argument 'depth' expects a whole number of 1 or more, got 'abc'" in run.log
    assert "invalid literal" not in run.log


@pytest.mark.slow
def test_scrapyd_arguments_pass(shz_server: ReplicaServer, tmp_path: Path) -> None:
    run = run_cron(
        "shz", tmp_path, args={"base_url": shz_server.url, "_job": "j1", "_version": "7"}
    )
    assert run.returncode == ExitStatus.OK, run.log[-3000:]
    assert len(run.items) == 5
