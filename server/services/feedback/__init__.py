"""好差评: ratings from the pad and the phone (``ratings``), the rectification of every
bad one (``rectifications``), and their figures (``figures``)."""
