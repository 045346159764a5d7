"""Training of the sentiment models from public labelled corpora (`make model`)."""
