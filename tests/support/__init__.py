"""What the tests share: real crawls, replica editing, servers, state fixtures, test spiders
and extensions. Test modules import from here, never from one another."""
