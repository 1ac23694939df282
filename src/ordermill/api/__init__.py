"""The REST API under /api/v1: FastAPI routers and Pydantic schemas over the use cases."""
