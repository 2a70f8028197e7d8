"""Understanding and writing through providers: the rules always, a language model where a store pays for one.

Every provider has one shape (appliance.ai.provider.Provider). The rules provider is the first and
the fallback: whatever a model answers, late, wrong or not at all, a turn is never worse than the
rules alone.
"""
