"""Executor seams extracted from AutonomousExecutor: small leaf modules with no import-time I/O."""
