import os
import subprocess
import sys

import pytest


@pytest.fixture(autouse=True, scope="session")
def isolated_cache(tmp_path_factory):
    """Every test run ingests into its own cache, so cache hits are ones the run itself made."""
    os.environ["MUSIGAN_CACHE"] = str(tmp_path_factory.mktemp("cache"))


def run_musigan(*args, timeout=300, **kwargs):
    """Run the installed command as a user would, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "musigan.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, **kwargs)


@pytest.fixture(scope="session")
def jack_server():
    """A private JACK server with the dummy driver: real MIDI ports without sound hardware."""
    import shutil
    import time

    if shutil.which("jackd") is None:
        pytest.fail("jackd is not installed: `apt-get install jackd2` (.ci/run does it)")
    name = f"musigan-test-{os.getpid()}"
    os.environ.update(JACK_NO_AUDIO_RESERVATION="1", JACK_DEFAULT_SERVER=name)
    server = subprocess.Popen(["jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "64"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = subprocess.run(["jack_wait", "-w", "-t", "10"], capture_output=True, text=True, timeout=15)
    if ready.returncode != 0:
        server.kill()
        pytest.fail(f"JACK server did not start: {ready.stdout} {ready.stderr}")
    time.sleep(0.2)
    yield name
    server.terminate()
    server.wait(timeout=10)
