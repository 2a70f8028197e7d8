"""The HTTP interface: the /v1 API, the error envelope and the request middleware (limits, headers, proxies, CORS)."""
