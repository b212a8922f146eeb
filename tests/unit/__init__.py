"""Tests of single modules, in-process: no server, no subprocess where avoidable."""
