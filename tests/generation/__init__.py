"""The spec, the generator and the tools that maintain them; the packaging, layout and docs."""
