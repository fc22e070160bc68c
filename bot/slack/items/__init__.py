"""My action items: keeping what summaries and digests extract (``keep.py``), the "my_items"
reply and the App Home tab (``usecases.py``)."""
