"""`leaflet serve`: the pharmacy counter as a local web app, one more front-end over the engine.

``listing`` (what can be printed, and the search), ``orders`` (one print asked for, checked
field by field), ``pool`` (warm renderer processes), ``security`` (password, tokens, CSRF,
the headers every answer carries), ``pages`` (the counter page), ``api`` (the HTTP API) and
``app`` (the Starlette application that joins them).
"""
