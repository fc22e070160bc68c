"""Meeting notes and written plans: action items, owners, due dates and decisions from the layout."""
