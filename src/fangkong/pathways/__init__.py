"""Journeys that cross domains: each module is one; the domains never import this package."""
