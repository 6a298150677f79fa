"""The platform API's routers, one module per journey; ``sandbox.app`` assembles them."""
