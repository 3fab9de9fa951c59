-- How the request that asked for an approval was bound ('jkt:<thumbprint>' for a DPoP key, 'mtls' for an X.509-SVID
-- of the agent): the poll that collects it must be bound the same way, so an approval asked with a key never yields a
-- bearer credential. NULL for a bearer request and for approvals asked before this column existed.
ALTER TABLE approvals ADD COLUMN sender_binding TEXT;
