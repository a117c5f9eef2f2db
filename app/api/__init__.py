"""JSON API (/api/v1) and the health check: routes in the *_views modules, on blueprint.bp."""
