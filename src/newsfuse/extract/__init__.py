"""The extract stage: times, places, actors, quotes and counts, each with its span in the text."""
