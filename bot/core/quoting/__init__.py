"""Quotes and who said them, for articles and threads alike."""
