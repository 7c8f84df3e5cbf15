"""Report writers: what a CI gate reads (JUnit XML, JSON) and what a person reads (HTML, Markdown)."""
