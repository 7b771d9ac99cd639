"""Side door: candidate incidents read from news article text, and their evaluation."""
