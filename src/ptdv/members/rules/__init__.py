"""Pure rules of the member registry: no database, no clock (pass `today`)."""
