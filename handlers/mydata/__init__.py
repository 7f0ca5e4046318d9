"""My data: see, export, stop messages, change the postcode, delete everything."""
