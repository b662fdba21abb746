"""Local HTTP servers for tests and benchmarks (127.0.0.1, free port). Their answers are FIXTURES."""
