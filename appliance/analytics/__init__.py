"""The numbers a store's staff read: conversation and lead KPIs, and what the AI has cost."""
