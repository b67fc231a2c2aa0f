-- +goose Up
-- Records moved to sealed segment files keep their leaf hash here, so the
-- tree, proofs and verification still span the whole log. Key rotation
-- records also keep their content (JSON), so the key history survives.
CREATE TABLE audit_archived (
    seq       BIGINT PRIMARY KEY,
    leaf_hash TEXT   NOT NULL,
    rotation  TEXT   NOT NULL
);

CREATE TABLE audit_segment (
    through    BIGINT PRIMARY KEY,
    from_seq   BIGINT NOT NULL,
    file       TEXT   NOT NULL,
    sm3        TEXT   NOT NULL,
    created_ns BIGINT NOT NULL
);

-- +goose Down
DROP TABLE audit_segment;
DROP TABLE audit_archived;
