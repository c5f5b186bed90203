-- A match is the gift times the multiplier (up to 10) times the installments counted (up to 36):
-- a $10,000,000 check tripled, or a large monthly gift counted 12 times, is more than an INTEGER
-- holds, while the pool's cap and allocated are BIGINT. The match's own amounts follow the pool's.
ALTER TABLE "match_allocations"
  ALTER COLUMN "original" TYPE BIGINT,
  ALTER COLUMN "amount" TYPE BIGINT;
