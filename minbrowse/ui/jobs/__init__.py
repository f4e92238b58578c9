"""The one service that runs s3/transfer calls on worker threads, and the headless jobs it runs."""
