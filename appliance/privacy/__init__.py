"""GDPR operations: a person's data exported or erased, a store purged, data kept only as long as allowed.

Also key rotation: everything encrypted at rest re-encrypted under the newest key.
"""
