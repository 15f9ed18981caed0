-- The seed's table, identical on every shard (rows are sharded by user_id).
-- status 'DELETED' marks a soft-deleted friendship; times are epoch milliseconds.
CREATE DATABASE IF NOT EXISTS social;

CREATE TABLE IF NOT EXISTS social.friends (
  user_id    BIGINT      NOT NULL,
  friend_id  BIGINT      NOT NULL,
  nickname   VARCHAR(64) NULL,
  favorite   BOOLEAN     NOT NULL DEFAULT FALSE,
  status     VARCHAR(16) NOT NULL DEFAULT 'ACTIVE',
  created_at BIGINT      NULL,
  updated_at BIGINT      NULL,
  PRIMARY KEY (user_id, friend_id),
  KEY ix_friend_created (friend_id, created_at)
);
