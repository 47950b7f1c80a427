"""The pages: one module a page, each view declaring its access (`pejling.web.access`)."""
