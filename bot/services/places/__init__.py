"""Places: postcodes, their centres and distances."""
