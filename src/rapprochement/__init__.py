"""Teaching collection package."""
