"""newsfuse: group news articles into events and show where the sources agree and disagree."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
