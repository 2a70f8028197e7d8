"""Plans and billing: what each plan gives, the limits that read it, and Stripe subscriptions."""
