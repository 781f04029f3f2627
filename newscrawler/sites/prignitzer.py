"""prignitzer.de, Der Prignitzer (NOZ/mh:n platform)."""

from newscrawler.sites.platforms.mhn import mhn_site

PRIGNITZER = mhn_site("prignitzer", "www.prignitzer.de", sections=("/lokales/perleberg",))
