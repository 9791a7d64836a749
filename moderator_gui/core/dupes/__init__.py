"""Duplicates: PDQ signatures (``pdq.py``), an exact PDQ neighbour index (``index.py``) and
hash lists exchanged between teams (``hashlist.py``). Qt-free and database-free."""
