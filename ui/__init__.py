"""Streamlit-side helpers shared by the frame and the pages: filters, URL state, formatting."""
