"""Analyses over models and scenarios (backtesting, ...)."""
