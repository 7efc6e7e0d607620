"""musigan: a real-time MIDI improvisation companion (see README.md)."""
