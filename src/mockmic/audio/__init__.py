"""Audio adapters: reading and writing files, capturing from the microphone, playback."""
