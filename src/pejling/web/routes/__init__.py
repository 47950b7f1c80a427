"""The application's URL patterns by area, one module each (joined in `pejling.web.urls`)."""
