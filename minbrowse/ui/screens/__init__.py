"""Modal screens: help, preview, confirmations, prompts, presigned URL."""
