"""Project commands for `scrapy` (`COMMANDS_MODULE`): `crawl` with cron-ready exit statuses."""
