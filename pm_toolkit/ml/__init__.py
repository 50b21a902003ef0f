"""Machine learning a PM works with (lesson 7): RTO risk, recommendations, targeting, support."""
