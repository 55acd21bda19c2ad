"""Server-rendered pages of the trainee's own records. Every page starts from access selectors."""
