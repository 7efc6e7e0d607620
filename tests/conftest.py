import os

import pytest
from support import need_jackd


@pytest.fixture(autouse=True, scope="session")
def isolated_cache(tmp_path_factory):
    """Every test run ingests into its own cache, so cache hits are ones the run itself made, and
    trains into its own MUSIGAN_HOME, so no test writes to (or reads) the user's presets folder."""
    os.environ["MUSIGAN_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["MUSIGAN_HOME"] = str(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def jack_server():
    """A private JACK server with the dummy driver: real MIDI ports without sound hardware."""
    from musigan.live.jack_harness import dummy_jack_server

    need_jackd()
    with dummy_jack_server(f"musigan-test-{os.getpid()}") as name:
        yield name
