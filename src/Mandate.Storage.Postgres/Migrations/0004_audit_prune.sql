-- Audit retention: records up to a signed checkpoint may be archived and removed. The anchor says where the chain
-- continues (the last removed record's sequence and hash, with the checkpoint that vouched for it and the archive it
-- went to); the chain's tail never goes below it. Records stay append-only otherwise: only records up to the newest
-- anchor may be deleted, and an anchor must move forward and name a record the chain holds.
CREATE TABLE audit_anchors (
    seq        bigint PRIMARY KEY,
    hash       bytea NOT NULL,
    checkpoint text NOT NULL,
    archive    text NOT NULL,
    pruned_at  bigint NOT NULL
);

CREATE FUNCTION audit_anchor_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <= COALESCE((SELECT max(seq) FROM audit_anchors), 0) THEN
        RAISE EXCEPTION 'audit prune refused: records up to this sequence are already archived' USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit WHERE seq = NEW.seq AND hash = NEW.hash)
       AND NOT EXISTS (SELECT 1 FROM audit_v1 WHERE seq = NEW.seq AND hash = encode(NEW.hash, 'hex')) THEN
        RAISE EXCEPTION 'audit prune refused: the store holds no record with the anchor''s sequence and hash' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_anchors_check BEFORE INSERT ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_check();

CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE OR DELETE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Deleting is allowed up to the newest anchor only; updating never.
CREATE FUNCTION audit_prune_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq <= COALESCE((SELECT max(seq) FROM audit_anchors), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit records are append-only' USING ERRCODE = 'restrict_violation';
END
$$;

DROP TRIGGER audit_no_update ON audit;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_prune_only();

DROP TRIGGER audit_no_update ON audit_v1;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_v1
    FOR EACH ROW EXECUTE FUNCTION audit_prune_only();

-- A shape goes only once no record uses it: the foreign key of audit.shape refuses deleting one still in use.
DROP TRIGGER audit_shapes_no_update ON audit_shapes;
CREATE TRIGGER audit_shapes_no_update BEFORE UPDATE ON audit_shapes
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
