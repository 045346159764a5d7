"""PDF snapshots, the meeting report and data exports, built from the pages' queries and charts."""
