"""The fake exchange and its server, as the SDK's tests and users' tests rely on them."""
