"""newscrawler's spiders: `news` (any site) and one spider per site profile."""
