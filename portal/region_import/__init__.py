"""Loading the national region tree from a file (GB/T 2260 codes down to the township): the
reader, the dry run's checks and report, the writer, and the services that join them."""
