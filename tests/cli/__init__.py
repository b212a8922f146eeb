"""kalshi-keys, command by command, against the fake exchange."""
