"""Annual plant reports: filing, versions, review, the XLSX template, what counts in figures."""
