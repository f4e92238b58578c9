"""minbrowse.ui: the Textual browser (widgets, screens, and the one service that talks to S3)."""
