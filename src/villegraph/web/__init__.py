"""The web application: SPARQL endpoint, linked-data pages, dumps, query UI and network view."""
