"""Progress rules: the Open SDG trajectory method, uncertainty intervals, barometer movement."""
