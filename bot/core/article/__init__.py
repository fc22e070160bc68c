"""Articles: priorities from the document's structure and its asks."""
