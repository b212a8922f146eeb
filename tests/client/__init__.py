"""The signed client end to end: signing, retries, errors, transports, key making, on loopback."""
