"""The refresher role: every platform's feed read through its adapter into a normalised catalogue snapshot."""
