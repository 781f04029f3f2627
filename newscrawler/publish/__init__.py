"""Publishing: where a run's files go, how they appear, and the journal that records them.

- `layout`: paths and names: the output folder, file names with the run's stamp, the summary,
  and the state and run lock kept next to the output;
- `files`: files that appear complete or not at all (temporary name, sync, rename);
- `readback`: what a written file holds (the articles the journal seals it with);
- `journal`: begin, seal, publish and recover the run's files over a `StateStore`;
- `storage`: the Scrapy feed storage that writes JSON lines through the journal.

Nothing here knows the spiders or the extensions; the `CrawlState` extension creates the run's
journal and hands it over (`journal.use_journal`), the feed storage takes it from there.
"""
